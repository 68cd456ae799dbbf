package io.leadmatch.engine.routing;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
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
            throw new IllegalArgumentException(
                    "working_hours must look like 09:00-17:30 (24-hour HH:MM-HH:MM), got '" + text + "'");
        }
        LocalTime start = time(m.group(1), m.group(2), false, text);
        LocalTime end = time(m.group(3), m.group(4), true, text);
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException(
                    "working_hours must end after they start (no windows over midnight), got '" + text + "'");
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

    /**
     * The window on the local date {@code day} in {@code zone}, as epoch milliseconds {@code [out[0], out[1])};
     * empty ({@code out[0] == out[1]}) on Saturday and Sunday. The round-robin scheduler computes it once per member
     * and local day, so a pick compares two longs instead of resolving a time zone.
     */
    public void windowOn(LocalDate day, ZoneId zone, long[] out) {
        DayOfWeek dow = day.getDayOfWeek();
        if (dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY) {
            out[0] = out[1] = day.atStartOfDay(zone).toInstant().toEpochMilli();
            return;
        }
        out[0] = day.atTime(start).atZone(zone).toInstant().toEpochMilli();
        out[1] = end.equals(LocalTime.MAX)
                ? day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli()
                : day.atTime(end).atZone(zone).toInstant().toEpochMilli();
    }

    /** Whether the instant {@code epochMillis} falls in the window in {@code zone}. */
    boolean contains(long epochMillis, ZoneId zone) {
        long[] w = new long[2];
        windowOn(Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalDate(), zone, w);
        return epochMillis >= w[0] && epochMillis < w[1];
    }

    @Override
    public String toString() {
        return start + "-" + (end.equals(LocalTime.MAX) ? "24:00" : end.toString()) + " Mon-Fri";
    }
}
