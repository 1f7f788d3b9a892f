package io.topictracker.cli;

import io.topictracker.cli.command.Commands;
import io.topictracker.cli.support.CliContext;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/**
 * Entry point of {@code topic-tracker}. Run it on the module path:
 * {@code java --module-path cli/target/modules:cli/target/topic-tracker-cli.jar --module
 * io.topictracker.cli/io.topictracker.cli.Main demo} (the {@code ./topic-tracker} launcher does this).
 */
public final class Main {
    /** slf4j-simple reads its level once, when the first logger is made; the command keeps the engine quiet. */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    private Main() {}

    /**
     * Runs the command and exits the JVM with its status (see {@link io.topictracker.cli.support.ExitCode}).
     *
     * @param args the command line, not null
     */
    public static void main(String[] args) {
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, charset), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, charset), true);
        int status = run(args, new CliContext(out, err, System.in, null));
        out.flush();
        err.flush();
        System.exit(status);
    }

    /**
     * Runs the command in this JVM without exiting it, as the tests do.
     *
     * @param args the command line, not null
     * @param context streams and providers, not null
     * @return the exit status, one of {@link io.topictracker.cli.support.ExitCode}'s
     */
    public static int run(String[] args, CliContext context) {
        return Commands.commandLine(context).execute(args);
    }
}
