package io.leadmatch.engine;

import java.util.Map;

/**
 * One lead as a form backend or importer submits it. Fields are never null (absent is empty). Immutable.
 *
 * @param requestId  caller's id; retries with the same id are idempotent
 * @param email      email address as typed (display-name forms accepted)
 * @param website    URL or bare host
 * @param company    company name as typed
 * @param country    billing country, ISO-2 preferred
 * @param state      state or province code
 * @param attributes free-form attributes for territory rules
 */
public record Lead(
        String requestId,
        String email,
        String website,
        String company,
        String country,
        String state,
        Map<String, String> attributes) {

    /** Normalizes nulls to empty values. */
    public Lead {
        requestId = requestId == null ? "" : requestId;
        email = email == null ? "" : email;
        website = website == null ? "" : website;
        company = company == null ? "" : company;
        country = country == null ? "" : country;
        state = state == null ? "" : state;
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** A lead with just an email: handy for tests and the CLI. */
    public static Lead ofEmail(String requestId, String email) {
        return new Lead(requestId, email, "", "", "", "", Map.of());
    }
}
