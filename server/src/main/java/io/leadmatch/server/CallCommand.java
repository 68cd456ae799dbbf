package io.leadmatch.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.leadmatch.proto.v1.AdjustTurnsRequest;
import io.leadmatch.proto.v1.DeleteAccountsRequest;
import io.leadmatch.proto.v1.ExplainRequest;
import io.leadmatch.proto.v1.GetTeamStateRequest;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.ListConflictsRequest;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.proto.v1.ReloadSnapshotRequest;
import io.leadmatch.proto.v1.SetAvailabilityRequest;
import io.leadmatch.proto.v1.SetOpenLeadsRequest;
import io.leadmatch.proto.v1.UpsertAccountsRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code leadmatch call METHOD JSON}: a minimal gRPC client for operators and the README, speaking the same JSON
 * as grpcurl. Exit code 0 on success, 1 on a gRPC error (printed with its status code), 2 on a bad request.
 */
@Command(
        name = "call",
        mixinStandardHelpOptions = true,
        description = "Call a running server: Match, MatchAndAssign, ReloadSnapshot, GetTeamState, ListConflicts, "
                + "SetAvailability, AdjustTurns, SetOpenLeads, Explain, UpsertAccounts or DeleteAccounts, with a JSON "
                + "request; prints the JSON response.")
final class CallCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "METHOD",
            description = "Match | MatchAndAssign | ReloadSnapshot | GetTeamState | ListConflicts | SetAvailability"
                    + " | AdjustTurns | SetOpenLeads | Explain | UpsertAccounts | DeleteAccounts")
    String method;

    @Parameters(
            index = "1",
            paramLabel = "JSON",
            defaultValue = "{}",
            description = "Request as JSON, e.g. '{\"email\": \"jane@example-corp.com\"}'")
    String json;

    @Option(
            names = "--target",
            paramLabel = "HOST:PORT",
            defaultValue = "localhost:50051",
            description = "Server address (default: ${DEFAULT-VALUE})")
    String target;

    @Option(
            names = "--admin-target",
            paramLabel = "HOST:PORT",
            defaultValue = "localhost:50052",
            description = "Admin listener, for the admin methods (default: ${DEFAULT-VALUE})")
    String adminTarget;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "File holding the bearer token to send (else $" + Credential.ADMIN_ENV
                    + " for admin methods, $" + Credential.LEAD_ENV + " for Match and MatchAndAssign)")
    Path tokenFile;

    @Option(names = "--timeout-seconds", defaultValue = "30", description = "Deadline (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(
            names = "--tls",
            description = "Connect over TLS, trusting the system's CAs (implied by --ca-file and --cert-file)")
    boolean tls;

    @Option(
            names = "--ca-file",
            paramLabel = "FILE",
            description = "PEM file of the CA certificates that sign the server's certificate")
    Path caFile;

    @Option(
            names = "--cert-file",
            paramLabel = "FILE",
            description = "PEM client certificate for a listener with mutual TLS (with --key-file)")
    Path certFile;

    @Option(names = "--key-file", paramLabel = "FILE", description = "PEM private key of --cert-file")
    Path keyFile;

    /** Plaintext, or TLS with the given roots and client certificate. */
    private ChannelCredentials credentials() throws IOException {
        if ((certFile == null) != (keyFile == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cert-file and --key-file go together");
        }
        if (!tls && caFile == null && certFile == null) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
        if (caFile != null) {
            b.trustManager(caFile.toFile());
        }
        if (certFile != null) {
            b.keyManager(certFile.toFile(), keyFile.toFile());
        }
        return b.build();
    }

    private static final Set<String> LEAD_METHODS = Set.of("Match", "MatchAndAssign");

    /** The token for {@code method}'s service from --token-file or the environment; null when there is none. */
    private String token() throws IOException {
        if (tokenFile != null) {
            return Files.readString(tokenFile).strip();
        }
        String v = System.getenv(LEAD_METHODS.contains(method) ? Credential.LEAD_ENV : Credential.ADMIN_ENV);
        return v == null || v.isBlank() ? null : v.strip();
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String token;
        ChannelCredentials credentials;
        try {
            token = token();
            credentials = credentials();
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("leadmatch call: cannot use the credential files: " + e.getMessage());
            return 2;
        }
        ManagedChannel channel = NettyChannelBuilder.forTarget(
                        LEAD_METHODS.contains(method) ? target : adminTarget, credentials)
                .build();
        try {
            Metadata headers = new Metadata();
            if (token != null) {
                headers.put(BearerAuth.AUTHORIZATION, "Bearer " + token);
            }
            ClientInterceptor auth = MetadataUtils.newAttachHeadersInterceptor(headers);
            var lead = LeadMatchGrpc.newBlockingStub(channel)
                    .withInterceptors(auth)
                    .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
            var admin = LeadMatchAdminGrpc.newBlockingStub(channel)
                    .withInterceptors(auth)
                    .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
            Message response;
            switch (method) {
                case "Match":
                    response = lead.match(parse(MatchRequest.newBuilder()).build());
                    break;
                case "MatchAndAssign":
                    response =
                            lead.matchAndAssign(parse(MatchRequest.newBuilder()).build());
                    break;
                case "ReloadSnapshot":
                    response = admin.reloadSnapshot(
                            parse(ReloadSnapshotRequest.newBuilder()).build());
                    break;
                case "GetTeamState":
                    response = admin.getTeamState(
                            parse(GetTeamStateRequest.newBuilder()).build());
                    break;
                case "ListConflicts":
                    response = admin.listConflicts(
                            parse(ListConflictsRequest.newBuilder()).build());
                    break;
                case "SetAvailability":
                    response = admin.setAvailability(
                            parse(SetAvailabilityRequest.newBuilder()).build());
                    break;
                case "AdjustTurns":
                    response = admin.adjustTurns(
                            parse(AdjustTurnsRequest.newBuilder()).build());
                    break;
                case "Explain":
                    response = admin.explain(parse(ExplainRequest.newBuilder()).build());
                    break;
                case "SetOpenLeads":
                    response = admin.setOpenLeads(
                            parse(SetOpenLeadsRequest.newBuilder()).build());
                    break;
                case "UpsertAccounts":
                    response = admin.upsertAccounts(
                            parse(UpsertAccountsRequest.newBuilder()).build());
                    break;
                case "DeleteAccounts":
                    response = admin.deleteAccounts(
                            parse(DeleteAccountsRequest.newBuilder()).build());
                    break;
                default:
                    System.err.println("leadmatch call: unknown method '" + method + "' (Match, MatchAndAssign,"
                            + " ReloadSnapshot, GetTeamState, ListConflicts, SetAvailability, AdjustTurns,"
                            + " SetOpenLeads, Explain, UpsertAccounts, DeleteAccounts)");
                    return 2;
            }
            System.out.println(
                    JsonFormat.printer().alwaysPrintFieldsWithNoPresence().print(response));
            return 0;
        } catch (InvalidProtocolBufferException e) {
            System.err.println("leadmatch call: bad JSON request: " + e.getMessage());
            return 2;
        } catch (StatusRuntimeException e) {
            System.err.println("leadmatch call: " + e.getStatus().getCode() + ": "
                    + e.getStatus().getDescription());
            return 1;
        } finally {
            channel.shutdownNow();
        }
    }

    private <B extends Message.Builder> B parse(B builder) throws InvalidProtocolBufferException {
        JsonFormat.parser().merge(json, builder);
        return builder;
    }
}
