package io.topictracker.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which lab namespaces a crashed earlier run left behind: names of the form {@code ttlab-<pid>-...} whose process is
 * gone. Pure: reads {@code ip netns list} output, asks the given predicate about pids. Stateless and thread-safe.
 */
final class LeftoverNamespaces {
    /** Every lab namespace starts with this, then the pid of the JVM that made it, then '-'. */
    static final String PREFIX = "ttlab-";
    private static final Pattern LAB_NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d{1,10})-\\S*");

    private LeftoverNamespaces() {}

    /** @return the namespace names in {@code ip netns list} output: the first word of each line ("NAME (id: 3)") */
    static List<String> names(String ipNetnsList) {
        List<String> names = new ArrayList<>();
        for (String line : ipNetnsList.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty()) {
                names.add(trimmed.split("\\s+", 2)[0]);
            }
        }
        return names;
    }

    /**
     * @param names namespace names, not null
     * @param alive whether a pid is a running process
     * @return the lab namespaces among {@code names} whose pid is not alive, in the given order; others untouched
     */
    static List<String> deadRuns(List<String> names, LongPredicate alive) {
        List<String> dead = new ArrayList<>();
        for (String name : names) {
            Matcher m = LAB_NAME.matcher(name);
            if (m.matches() && !alive.test(Long.parseLong(m.group(1)))) {
                dead.add(name);
            }
        }
        return dead;
    }
}
