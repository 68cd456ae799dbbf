package io.leadmatch.server;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.snapshot.AccountChange;
import io.leadmatch.engine.snapshot.LoadReport;
import io.leadmatch.proto.v1.AccountChangesResponse;
import io.leadmatch.proto.v1.AdjustTurnsRequest;
import io.leadmatch.proto.v1.AdjustTurnsResponse;
import io.leadmatch.proto.v1.ConflictingDomain;
import io.leadmatch.proto.v1.DeleteAccountsRequest;
import io.leadmatch.proto.v1.ExplainRequest;
import io.leadmatch.proto.v1.ExplainResponse;
import io.leadmatch.proto.v1.GetTeamStateRequest;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.ListConflictsRequest;
import io.leadmatch.proto.v1.ListConflictsResponse;
import io.leadmatch.proto.v1.ReloadSnapshotRequest;
import io.leadmatch.proto.v1.ReloadSnapshotResponse;
import io.leadmatch.proto.v1.SetAvailabilityRequest;
import io.leadmatch.proto.v1.SetAvailabilityResponse;
import io.leadmatch.proto.v1.SetOpenLeadsRequest;
import io.leadmatch.proto.v1.SetOpenLeadsResponse;
import io.leadmatch.proto.v1.TeamState;
import io.leadmatch.proto.v1.UpsertAccountsRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * leadmatch.v1.LeadMatchAdmin: reloads, team state, availability, turn adjustments and account changes, through the same engine
 * calls the CLI uses. What the engine throws becomes a status in {@link StatusMapping} (its
 * {@link NoSuchElementException}s NOT_FOUND and {@link IllegalArgumentException}s INVALID_ARGUMENT, with the engine's
 * message, which says what to send instead). Who may call it is decided before a call gets here ({@link BearerAuth},
 * and the listeners it is served on: {@link ServerSettings#validate()}).
 */
final class LeadMatchAdminService extends LeadMatchAdminGrpc.LeadMatchAdminImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(LeadMatchAdminService.class);

    private final LeadMatchEngine engine;
    private final ReloadRoots reloadRoots;

    LeadMatchAdminService(LeadMatchEngine engine, ReloadRoots reloadRoots) {
        this.engine = engine;
        this.reloadRoots = reloadRoots;
    }

    /**
     * Reloads from the current snapshot directory or one under the reload roots. A failed load's reply names the file
     * and line but not the reason, which may quote the file; the server log has it.
     */
    @Override
    public void reloadSnapshot(ReloadSnapshotRequest request, StreamObserver<ReloadSnapshotResponse> out) {
        Path dir = request.getSnapshotDir().isEmpty() ? null : reloadRoots.check(request.getSnapshotDir());
        LoadReport report;
        try {
            report = engine.reload(dir);
        } catch (SnapshotException e) {
            LOG.warn("ReloadSnapshot: snapshot not loaded: {}", ThrottledLog.escape(e.getMessage()));
            String file = Path.of(e.file()).getFileName() == null
                    ? ""
                    : Path.of(e.file()).getFileName().toString();
            throw Status.FAILED_PRECONDITION
                    .withDescription("snapshot not loaded, still serving generation " + engine.generation() + ": "
                            + (e.line() > 0 ? file + ":" + e.line() : file)
                            + " is not usable; the server log has the reason")
                    .asRuntimeException();
        }
        out.onNext(ProtoMapping.reloadResponse(report, engine.generation()));
        out.onCompleted();
    }

    @Override
    public void getTeamState(GetTeamStateRequest request, StreamObserver<TeamState> out) {
        if (request.getTeamId().isBlank()) {
            out.onError(Status.INVALID_ARGUMENT
                    .withDescription("team_id is required; teams: " + String.join(", ", engine.teamIds()))
                    .asRuntimeException());
            return;
        }
        var state = engine.teamState(request.getTeamId());
        if (state.isEmpty()) {
            out.onError(Status.NOT_FOUND
                    .withDescription(
                            "no team '" + request.getTeamId() + "'; teams: " + String.join(", ", engine.teamIds()))
                    .asRuntimeException());
            return;
        }
        out.onNext(ProtoMapping.teamState(state.get()));
        out.onCompleted();
    }

    @Override
    public void listConflicts(ListConflictsRequest request, StreamObserver<ListConflictsResponse> out) {
        if (request.getLimit() < 0) {
            out.onError(
                    Status.INVALID_ARGUMENT.withDescription("limit must be ≥ 0").asRuntimeException());
            return;
        }
        var conflicts = engine.conflicts();
        int n = request.getLimit() == 0 ? conflicts.size() : Math.min(request.getLimit(), conflicts.size());
        ListConflictsResponse.Builder b = ListConflictsResponse.newBuilder().setTotal(conflicts.size());
        for (var c : conflicts.subList(0, n)) {
            b.addConflicts(ConflictingDomain.newBuilder().setDomain(c.domain()).addAllAccountIds(c.accountIds()));
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void setAvailability(SetAvailabilityRequest request, StreamObserver<SetAvailabilityResponse> out) {
        if (!request.hasAvailable()) {
            out.onError(Status.INVALID_ARGUMENT
                    .withDescription("available is required: false makes the user"
                            + " unavailable (optionally until until_millis), true ends an absence")
                    .asRuntimeException());
            return;
        }
        if (request.getUntilMillis() < 0) {
            out.onError(Status.INVALID_ARGUMENT
                    .withDescription(
                            "until_millis must be epoch milliseconds in the" + " future, or 0 for until further notice")
                    .asRuntimeException());
            return;
        }
        Instant until = request.getUntilMillis() == 0 ? null : Instant.ofEpochMilli(request.getUntilMillis());
        answer(
                out,
                () -> ProtoMapping.availability(engine.setAvailability(
                        request.getUserId(), request.getAvailable(), until, request.getReason())));
    }

    @Override
    public void adjustTurns(AdjustTurnsRequest request, StreamObserver<AdjustTurnsResponse> out) {
        answer(
                out,
                () -> AdjustTurnsResponse.newBuilder()
                        .setMember(ProtoMapping.memberState(
                                engine.adjustTurns(request.getTeamId(), request.getUserId(), request.getDelta())))
                        .build());
    }

    /** Answers with what {@code call} returns; what it throws, {@link StatusMapping}'s interceptor maps. */
    private static <T> void answer(StreamObserver<T> out, Supplier<T> call) {
        out.onNext(call.get());
        out.onCompleted();
    }

    @Override
    public void explain(ExplainRequest request, StreamObserver<ExplainResponse> out) {
        String id = request.getAssignmentId().strip();
        if (id.isEmpty()) {
            out.onError(Status.INVALID_ARGUMENT
                    .withDescription(
                            "assignment_id is required (the assignment_id of an " + "AssignResponse, e.g. asg-42)")
                    .asRuntimeException());
            return;
        }
        try {
            var e = engine.explain(id);
            if (e.isEmpty()) {
                out.onError(Status.NOT_FOUND
                        .withDescription("no journaled assignment " + id
                                + " (ids look like asg-42; the journal keeps every assignment of this data dir)")
                        .asRuntimeException());
                return;
            }
            out.onNext(ProtoMapping.explanation(e.get()));
            out.onCompleted();
        } catch (IllegalStateException e) {
            // documented by LeadMatchEngine.explain: this engine has no data directory, so nothing is journaled
            throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
        }
    }

    @Override
    public void setOpenLeads(SetOpenLeadsRequest request, StreamObserver<SetOpenLeadsResponse> out) {
        answer(
                out,
                () -> SetOpenLeadsResponse.newBuilder()
                        .setUserId(request.getUserId())
                        .setOpenLeads(request.getOpenLeads())
                        .addAllTeamIds(engine.setOpenLeads(request.getUserId(), request.getOpenLeads()))
                        .build());
    }

    // ---- Incremental account changes ----

    @Override
    public void upsertAccounts(UpsertAccountsRequest request, StreamObserver<AccountChangesResponse> out) {
        applyChanges(() -> engine.upsertAccounts(ProtoMapping.accountChanges(request)), out);
    }

    @Override
    public void deleteAccounts(DeleteAccountsRequest request, StreamObserver<AccountChangesResponse> out) {
        applyChanges(() -> engine.deleteAccounts(request.getAccountIdsList()), out);
    }

    /**
     * One batch through the engine; a rejected batch changed nothing, and a change log that cannot be written is
     * {@code UNAVAILABLE} ({@link StatusMapping}).
     */
    private void applyChanges(AccountChangeCall call, StreamObserver<AccountChangesResponse> out) {
        AccountChange.Result result;
        try {
            result = call.apply();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("batch rejected, nothing changed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.onNext(ProtoMapping.accountChangesResponse(result));
        out.onCompleted();
    }

    @FunctionalInterface
    private interface AccountChangeCall {
        AccountChange.Result apply() throws IOException;
    }
}
