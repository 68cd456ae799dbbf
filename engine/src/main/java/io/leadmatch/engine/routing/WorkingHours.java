package io.leadmatch.engine.routing;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A member's working hours: a daily window, Monday to Friday, in the member's time zone ({@code "09:00-17:30"}
 * in routing.yaml). The start is inclusive, the end exclusive; windows over midnight are not supported.
 *
 * @param start first minute of the window
 * @param end   end of the window (exclusive), after {@code start}
 */
public record WorkingHours(LocalTime start, LocalTime end) {
    private static final Pattern FORMAT = Pattern.compile("(\\d{2}):(\\d{2})-(\\d{2}):(\\d{2})");
    private static final int SECONDS_PER_DAY = 86_400;

    public WorkingHours {
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("working hours must end after they start: " + start + "-" + end);
        }
    }

    /**
     * Parses {@code HH:MM-HH:MM} (24-hour clock; {@code 24:00} allowed as the end).
     *
     * @throws IllegalArgumentException with a message saying what is wrong and what is expected
     */
    public static WorkingHours parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("working_hours must look like 09:00-17:30 (24-hour HH:MM-HH:MM), got '"
                    + text + "'");
        }
        LocalTime start = time(m.group(1), m.group(2), false, text);
        LocalTime end = time(m.group(3), m.group(4), true, text);
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("working_hours must end after they start (no windows over midnight), got '"
                    + text + "'");
        }
        return new WorkingHours(start, end);
    }

    private static LocalTime time(String hh, String mm, boolean end, String text) {
        int h = Integer.parseInt(hh);
        int m = Integer.parseInt(mm);
        if (end && h == 24 && m == 0) {
            return LocalTime.MAX;
        }
        if (h > 23 || m > 59) {
            throw new IllegalArgumentException("working_hours has an invalid time in '" + text
                    + "' (hours 00-23, minutes 00-59; 24:00 only as the end)");
        }
        return LocalTime.of(h, m);
    }

    /** Whether the instant {@code epochSecond} falls in the window on a weekday in {@code zone}. Allocation-free. */
    public boolean contains(long epochSecond, ZoneId zone) {
        long local = epochSecond + zone.getRules().getOffset(java.time.Instant.ofEpochSecond(epochSecond))
                .getTotalSeconds();
        long day = Math.floorDiv(local, SECONDS_PER_DAY);
        int dayOfWeek = Math.floorMod(day + 3, 7); // 1970-01-01 was a Thursday; 0 = Monday
        if (dayOfWeek >= 5) {
            return false;
        }
        int second = Math.floorMod(local, SECONDS_PER_DAY);
        return second >= start.toSecondOfDay() && (end.equals(LocalTime.MAX) || second < end.toSecondOfDay());
    }

    @Override
    public String toString() {
        return start + "-" + (end.equals(LocalTime.MAX) ? "24:00" : end.toString()) + " Mon-Fri";
    }
}
