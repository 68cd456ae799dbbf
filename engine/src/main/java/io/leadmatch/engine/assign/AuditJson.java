package io.leadmatch.engine.assign;

import io.leadmatch.engine.json.JsonText;
import java.util.List;

/**
 * One line of the JSON-lines audit export: a flat builder that writes keys in call order (no maps, no
 * reflection), strings escaped by {@link io.leadmatch.engine.json.JsonText}.
 */
final class AuditJson {
    private final StringBuilder b = new StringBuilder(256).append('{');
    private boolean first = true;

    private AuditJson key(String k) {
        if (!first) {
            b.append(',');
        }
        first = false;
        if (k != null) {
            quote(k);
            b.append(':');
        }
        return this;
    }

    AuditJson field(String k, String v) {
        key(k).quote(v == null ? "" : v);
        return this;
    }

    AuditJson field(String k, long v) {
        key(k).b.append(v);
        return this;
    }

    AuditJson field(String k, boolean v) {
        key(k).b.append(v);
        return this;
    }

    AuditJson beginArray(String k) {
        key(k).b.append('[');
        first = true;
        return this;
    }

    AuditJson endArray() {
        b.append(']');
        first = false;
        return this;
    }

    AuditJson beginObject() {
        key(null).b.append('{');
        first = true;
        return this;
    }

    AuditJson endObject() {
        b.append('}');
        first = false;
        return this;
    }

    AuditJson strings(String k, List<String> values) {
        beginArray(k);
        for (String v : values) {
            key(null).quote(v);
        }
        return endArray();
    }

    String end() {
        return b.append('}').toString();
    }

    private AuditJson quote(String s) {
        JsonText.quote(b, s);
        return this;
    }

    /** An assignment's explanation as one audit line (type "assignment"). */
    static String explanation(AuditJson j, Explanation e) {
        j.field("type", "assignment")
                .field("assignment_id", e.assignmentId())
                .field("request_id", e.requestId())
                .field("generation", e.generation())
                .field("outcome", e.outcome())
                .field("domain", e.domain())
                .field("matched_domain", e.matchedDomain())
                .field("account_id", e.accountId())
                .strings("owner_checks", e.ownerChecks())
                .field("territory_rule", e.territoryRule())
                .beginArray("picks");
        for (Explanation.TeamPick p : e.picks()) {
            j.beginObject()
                    .field("team_id", p.teamId())
                    .field("config_seq", p.configSequence())
                    .field("mode", p.mode())
                    .field("winner", p.winnerId())
                    .field("assigned_before", p.assignedBefore())
                    .field("assigned_after", p.winnerId().isEmpty() ? p.assignedBefore() : p.assignedBefore() + 1)
                    .field("credit_before", p.creditBefore())
                    .field("credit_after", p.creditAfter())
                    .field("team_total_before", p.teamTotalBefore())
                    .field("cap_used_after", p.capUsedAfter())
                    .beginArray("members");
            for (Explanation.MemberCheck m : p.members()) {
                j.beginObject()
                        .field("user_id", m.userId())
                        .field("weight", m.weight())
                        .field("status", m.status())
                        .field("picked", m.picked())
                        .endObject();
            }
            j.endArray().endObject();
        }
        return j.endArray()
                .field("rule", e.rule().name())
                .field("team_id", e.teamId())
                .field("assignee_id", e.assigneeId())
                .field("note", e.note())
                .end();
    }
}
