package io.leadmatch.engine.assign;

import io.leadmatch.engine.MutableMatch;
import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.crm.AccountType;
import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.snapshot.CrmSnapshot;

/**
 * The rules that decide a lead before any round robin: an invalid lead is not assigned, junk goes to the junk
 * queue, a matched account to its active owner, else to the active owner of its newest open opportunity, else
 * (customers) to the customer team; a provisional account to the rep pinned to it while that rep is active.
 * Invariant: it reads only the immutable snapshot and the provisional registry, writes only {@code out}, and either
 * decides the lead or says which team's round robin comes next; it allocates nothing on the owner paths (one
 * {@link Assignee} per user and user table, made on first use).
 */
final class OwnerRouting {
    /** What owner routing leaves to the round robin. */
    enum Kind {
        /** Decided (assigned, or unassigned with its reason): journal it as it is. */
        DECIDED,
        /** The customer team's round robin. */
        CUSTOMER_TEAM,
        /** The territory rules' team (else the default team). */
        TERRITORY
    }

    /** {@link Kind}, and for a provisional account whose pinned rep is inactive, the entry to re-pin. */
    static final class Next {
        static final Next DECIDED = new Next(Kind.DECIDED, null, null);
        static final Next CUSTOMER_TEAM = new Next(Kind.CUSTOMER_TEAM, null, null);
        static final Next TERRITORY = new Next(Kind.TERRITORY, null, null);

        final Kind kind;
        /** The provisional account's domain and its entry whose rep is inactive, or null. */
        final String domain;

        final ProvisionalAccounts.Entry inactivePin;

        private Next(Kind kind, String domain, ProvisionalAccounts.Entry inactivePin) {
            this.kind = kind;
            this.domain = domain;
            this.inactivePin = inactivePin;
        }
    }

    private final ProvisionalAccounts provisional;
    private volatile OwnerAssignees owners;

    OwnerRouting(ProvisionalAccounts provisional) {
        this.provisional = provisional;
    }

    /** Applies the owner rules to {@code match} (from snapshot {@code s}) into {@code out}. */
    Next route(CrmSnapshot s, MutableMatch match, MutableAssignment out) {
        UserTable users = s.users();
        RoutingConfig routing = s.routing();
        Outcome outcome = match.outcome();
        if (outcome == Outcome.INVALID) {
            out.unassignedReason = "invalid lead: not assigned";
            return Next.DECIDED;
        }
        if (outcome == Outcome.JUNK) {
            int u = users.ordinalOf(routing.junk().queueUserId());
            if (u >= 0 && users.isActive(u)) {
                out.assigned(AssignmentRule.JUNK_QUEUE, owner(users, u));
            } else {
                out.unassignedReason = "junk lead: no active junk queue user configured";
            }
            return Next.DECIDED;
        }
        if (outcome == Outcome.MATCHED) {
            AccountTable accounts = s.accounts();
            int a = match.accountOrdinal();
            AccountType type = accounts.type(a);
            out.accountName = accounts.name(a);
            int owner = accounts.owner(a);
            if (owner >= 0 && users.isActive(owner)) {
                out.assigned(AssignmentRule.ACCOUNT_OWNER, owner(users, owner));
                return Next.DECIDED;
            }
            out.ownerCheck =
                    owner < 0 ? MutableAssignment.OwnerCheck.NO_OWNER : MutableAssignment.OwnerCheck.OWNER_INACTIVE;
            if (owner >= 0) {
                out.ownerName = users.name(owner);
            }
            int oppOwner = accounts.openOpportunityOwner(a);
            if (oppOwner >= 0 && users.isActive(oppOwner)) {
                out.assigned(AssignmentRule.OPPORTUNITY_OWNER, owner(users, oppOwner));
                return Next.DECIDED;
            }
            if (oppOwner >= 0) {
                out.inactiveOpportunityOwner = users.name(oppOwner);
            }
            if (type == AccountType.CUSTOMER && !routing.customerTeam().isEmpty()) {
                out.customerTeam = true;
                return Next.CUSTOMER_TEAM;
            }
        } else if (outcome == Outcome.PROVISIONAL) {
            String domain = match.domain().toString();
            ProvisionalAccounts.Entry e = provisional.get(domain);
            if (e != null && e.firstAssigneeId() != null) {
                out.provisionalDomain = domain;
                int u = users.ordinalOf(e.firstAssigneeId());
                if (u >= 0 && users.isActive(u)) {
                    out.assigned(AssignmentRule.PROVISIONAL_OWNER, owner(users, u));
                    return Next.DECIDED;
                }
                out.detail = "provisional account's rep " + e.firstAssigneeId()
                        + (u < 0 ? " is not in the CRM users" : " is inactive") + ": the round robin's pick is pinned";
                return new Next(Kind.TERRITORY, domain, e);
            }
            return new Next(Kind.TERRITORY, domain, null);
        }
        return Next.TERRITORY;
    }

    /** The account's owner when it is inactive (journaled with the decision), else "". */
    static String inactiveOwnerId(CrmSnapshot s, MutableMatch match) {
        if (match.outcome() != Outcome.MATCHED) {
            return "";
        }
        int owner = s.accounts().owner(match.accountOrdinal());
        return owner >= 0 && !s.users().isActive(owner) ? s.users().id(owner) : "";
    }

    /**
     * The owner of the account's newest open opportunity when it is inactive and the account has no active owner
     * (journaled with the decision), else "".
     */
    static String inactiveOpportunityOwnerId(CrmSnapshot s, MutableMatch match) {
        if (match.outcome() != Outcome.MATCHED) {
            return "";
        }
        AccountTable accounts = s.accounts();
        UserTable users = s.users();
        int a = match.accountOrdinal();
        int owner = accounts.owner(a);
        if (owner >= 0 && users.isActive(owner)) {
            return "";
        }
        int oppOwner = accounts.openOpportunityOwner(a);
        return oppOwner >= 0 && !users.isActive(oppOwner) ? users.id(oppOwner) : "";
    }

    /**
     * User {@code u} as an owner rule's assignee: one object per user and user table, made on first use (racing
     * makers make equal ones), so a decision stores one reference.
     */
    private Assignee owner(UserTable users, int u) {
        OwnerAssignees o = owners;
        if (o == null || o.users != users) {
            o = new OwnerAssignees(users);
            owners = o;
        }
        Assignee a = o.byOrdinal[u];
        if (a == null) {
            a = Assignee.owner(users.id(u), users.name(u));
            o.byOrdinal[u] = a;
        }
        return a;
    }

    private static final class OwnerAssignees {
        final UserTable users;
        final Assignee[] byOrdinal;

        OwnerAssignees(UserTable users) {
            this.users = users;
            this.byOrdinal = new Assignee[users.size()];
        }
    }
}
