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
import java.nio.file.Path;
import java.time.Instant;
import java.util.NoSuchElementException;

/**
 * leadmatch.v1.LeadMatchAdmin: reloads, team state, availability, turn adjustments and account changes, through the same engine
 * calls the CLI uses. Engine {@link NoSuchElementException}s become NOT_FOUND and {@link IllegalArgumentException}s
 * INVALID_ARGUMENT, with the engine's message (which says what to send instead).
 */
final class LeadMatchAdminService extends LeadMatchAdminGrpc.LeadMatchAdminImplBase {
    private final LeadMatchEngine engine;

    LeadMatchAdminService(LeadMatchEngine engine) {
        this.engine = engine;
    }

    @Override
    public void reloadSnapshot(ReloadSnapshotRequest request, StreamObserver<ReloadSnapshotResponse> out) {
        Path dir = request.getSnapshotDir().isEmpty() ? null : Path.of(request.getSnapshotDir());
        try {
            LoadReport report = engine.reload(dir);
            out.onNext(ProtoMapping.reloadResponse(report, engine.generation()));
            out.onCompleted();
        } catch (SnapshotException e) {
            out.onError(Status.FAILED_PRECONDITION
                    .withDescription("snapshot not loaded, still serving generation " + engine.generation() + ": "
                            + e.getMessage())
                    .asRuntimeException());
        } catch (RuntimeException e) {
            out.onError(Status.INTERNAL.withDescription("reload failed: " + e).asRuntimeException());
        }
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

    /**
     * Answers an admin call about a team member: the engine's {@link NoSuchElementException} becomes NOT_FOUND and
     * its {@link IllegalArgumentException} INVALID_ARGUMENT, each with the engine's message.
     */
    private static <T> void answer(StreamObserver<T> out, java.util.function.Supplier<T> call) {
        T response;
        try {
            response = call.get();
        } catch (NoSuchElementException e) {
            out.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (IllegalArgumentException e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        out.onNext(response);
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
            out.onError(
                    Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
        } catch (RuntimeException e) {
            out.onError(Status.INTERNAL.withDescription("explain failed: " + e).asRuntimeException());
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

    /** One batch through the engine; its exceptions as the status codes the proto documents. */
    private void applyChanges(AccountChangeCall call, StreamObserver<AccountChangesResponse> out) {
        try {
            out.onNext(ProtoMapping.accountChangesResponse(call.apply()));
            out.onCompleted();
        } catch (IllegalArgumentException e) {
            out.onError(Status.INVALID_ARGUMENT
                    .withDescription("batch rejected, nothing changed: " + e.getMessage())
                    .asRuntimeException());
        } catch (java.io.IOException e) {
            out.onError(Status.UNAVAILABLE
                    .withDescription("batch not applied: cannot write the change log: " + e)
                    .asRuntimeException());
        }
    }

    @FunctionalInterface
    private interface AccountChangeCall {
        AccountChange.Result apply() throws java.io.IOException;
    }
}
