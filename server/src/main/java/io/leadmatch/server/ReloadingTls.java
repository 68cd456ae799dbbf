package io.leadmatch.server;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for one listener whose certificate, key and client CA are re-read from their PEM files when they change, so a
 * renewed certificate is served without a restart. The {@link SslContext} is built once around a key manager and a
 * trust manager that read the current material at each handshake; {@link #reloadIfChanged()} (polled, and on SIGHUP)
 * swaps that material in when a file's size or modification time changed and the new files are a usable pair. A
 * renewal that fails to load (a half-written file, a key that does not match) is logged and the old material stays.
 *
 * <p>Each loaded generation has its own key alias, so a handshake that chose its alias before a swap still gets
 * the certificate and the key of one generation.
 */
final class ReloadingTls {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingTls.class);
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private final ServerSettings.Tls files;
    private final KeyManager keyManager = new KeyManager();
    private final TrustManager trustManager = new TrustManager();
    private volatile Material current;
    private volatile Material previous;
    private String stamp;
    private int generation;

    /** One loaded certificate chain, key and client CA, under the alias {@code alias}. */
    private record Material(String alias, X509Certificate[] chain, PrivateKey key, X509ExtendedTrustManager clientCa) {}

    /**
     * Loads the files once.
     *
     * @throws IllegalArgumentException when they cannot be read or do not form a usable certificate and key
     */
    ReloadingTls(ServerSettings.Tls files) {
        this.files = files;
        try {
            swapIn();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot load TLS files (" + files.certChain() + ", "
                            + files.privateKey() + (files.clientCa() == null ? "" : ", " + files.clientCa()) + "): "
                            + e.getMessage(),
                    e);
        }
    }

    /** The server context: TLS 1.2+ with gRPC's ciphers and ALPN; client certificates required with a client CA. */
    SslContext sslContext() {
        try {
            SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forServer(keyManager));
            if (files.clientCa() != null) {
                b.trustManager(trustManager).clientAuth(ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * Re-reads the files when one of them changed since the last load.
     *
     * @return true when new material was swapped in
     */
    synchronized boolean reloadIfChanged() {
        String now;
        try {
            now = stampOf();
        } catch (IOException e) {
            LOG.warn("TLS: cannot read {} ({}); keeping the loaded certificate", files.certChain(), e.getMessage());
            return false;
        }
        if (now.equals(stamp)) {
            return false;
        }
        try {
            swapIn();
            LOG.info("TLS: loaded renewed certificate from {}", files.certChain());
            return true;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.warn("TLS: renewed files not loaded, keeping the previous certificate: {}", e.getMessage());
            return false;
        }
    }

    /** The certificate being served (its subject and expiry go into the start-up log). */
    X509Certificate certificate() {
        return current.chain()[0];
    }

    private synchronized void swapIn() throws IOException, GeneralSecurityException {
        String before = stampOf();
        X509Certificate[] chain = certificates(files.certChain()).toArray(new X509Certificate[0]);
        if (chain.length == 0) {
            throw new CertificateException(files.certChain() + " holds no certificate");
        }
        PrivateKey key = privateKey(files.privateKey());
        checkPair(chain[0], key);
        X509ExtendedTrustManager ca = files.clientCa() == null ? null : trustManagerOf(files.clientCa());
        generation++;
        previous = current;
        current = new Material("leadmatch-" + generation, chain, key, ca);
        stamp = before;
    }

    private String stampOf() throws IOException {
        StringBuilder b = new StringBuilder();
        for (Path p : new Path[] {files.certChain(), files.privateKey(), files.clientCa()}) {
            if (p != null) {
                b.append(Files.size(p))
                        .append('/')
                        .append(Files.getLastModifiedTime(p).toMillis())
                        .append(' ');
            }
        }
        return b.toString();
    }

    static List<X509Certificate> certificates(Path pem) throws IOException, CertificateException {
        CertificateFactory f = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (byte[] der : blocks(pem, "CERTIFICATE")) {
            out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(der)));
        }
        return out;
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        List<byte[]> keys = blocks(pem, "PRIVATE KEY");
        if (keys.size() != 1) {
            throw new GeneralSecurityException(pem + " must hold one unencrypted PKCS#8 key ('BEGIN PRIVATE KEY'; "
                    + "convert with: openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key)");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException wrongAlgorithm) {
                // the PKCS#8 envelope names the algorithm; try the next until one accepts it
            }
        }
        throw new GeneralSecurityException(pem + ": not an RSA, EC or EdDSA private key");
    }

    private static List<byte[]> blocks(Path pem, String type) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        List<byte[]> out = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                out.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return out;
    }

    /** A certificate and key that do not belong together would fail every handshake: refuse them up front. */
    private static void checkPair(X509Certificate cert, PrivateKey key) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = "leadmatch".getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(algorithm);
        s.initSign(key);
        s.update(probe);
        byte[] signature = s.sign();
        s.initVerify(cert.getPublicKey());
        s.update(probe);
        if (!s.verify(signature)) {
            throw new GeneralSecurityException("the private key does not belong to the certificate");
        }
    }

    private static X509ExtendedTrustManager trustManagerOf(Path caPem) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (X509Certificate c : certificates(caPem)) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        if (i == 0) {
            throw new CertificateException(caPem + " holds no CA certificate");
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        for (javax.net.ssl.TrustManager t : f.getTrustManagers()) {
            if (t instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    private Material byAlias(String alias) {
        Material c = current;
        if (c.alias().equals(alias)) {
            return c;
        }
        Material p = previous;
        return p != null && p.alias().equals(alias) ? p : null;
    }

    /** Serves the current generation's certificate. */
    private final class KeyManager extends X509ExtendedKeyManager {
        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return current.alias();
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return current.alias();
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Material m = byAlias(alias);
            return m == null ? null : m.chain().clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Material m = byAlias(alias);
            return m == null ? null : m.key();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[] {current.alias()};
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[0];
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    /** Checks client certificates against the current generation's client CA. */
    private final class TrustManager extends X509ExtendedTrustManager {
        private X509ExtendedTrustManager ca() throws CertificateException {
            X509ExtendedTrustManager ca = current.clientCa();
            if (ca == null) {
                throw new CertificateException("no client CA configured");
            }
            return ca;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            ca().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            ca().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            ca().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a server does not check server certificates");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a server does not check server certificates");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server does not check server certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            X509TrustManager ca = current.clientCa();
            return ca == null ? new X509Certificate[0] : ca.getAcceptedIssuers();
        }
    }
}
