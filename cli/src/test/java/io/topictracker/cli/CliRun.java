package io.topictracker.cli;

import io.topictracker.cli.support.CliContext;
import io.topictracker.engine.provider.ProviderRegistry;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs the command in this JVM and keeps what it printed.
 *
 * @param status the exit status
 * @param out standard output
 * @param err standard error
 */
record CliRun(int status, String out, String err) {
    static CliRun of(String... args) {
        return with(null, args);
    }

    /** As {@link #of}, with these providers instead of the ones discovered (null: discover). */
    static CliRun with(ProviderRegistry registry, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args, new CliContext(new PrintWriter(out, true), new PrintWriter(err, true),
                new ByteArrayInputStream(new byte[0]), registry));
        return new CliRun(status, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "status " + status + "\n--- out\n" + out + "--- err\n" + err;
    }
}
