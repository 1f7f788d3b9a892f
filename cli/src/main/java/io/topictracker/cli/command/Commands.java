package io.topictracker.cli.command;

import io.topictracker.api.ConfigException;
import io.topictracker.cli.support.CliContext;
import io.topictracker.cli.support.CliException;
import io.topictracker.cli.support.ExitCode;
import io.topictracker.engine.provider.ProviderException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Assembles the picocli command tree and decides how errors are reported: one line saying what is wrong, and an exit
 * status from {@link ExitCode}. Stateless.
 */
public final class Commands {
    /** The longest error message printed; a longer one is cut (it only happens when it quotes a huge argument). */
    private static final int MAX_MESSAGE = 400;

    private Commands() {}

    /**
     * @param context streams and providers, not null
     * @return a ready command line; use it once, from one thread
     */
    public static CommandLine commandLine(CliContext context) {
        CommandLine line = new CommandLine(new TopicTrackerCommand());
        line.addSubcommand(new CommandLine.HelpCommand());
        line.addSubcommand(new DemoCommand(context));
        line.addSubcommand(new ChatCommand(context));
        line.addSubcommand(new RelayCommand(context));
        line.addSubcommand(new KeygenCommand(context));
        line.addSubcommand(new ProvidersCommand(context));
        line.addSubcommand(DhtCommand.create(context));
        line.setOut(context.out());
        line.setErr(context.err());
        line.setCaseInsensitiveEnumValuesAllowed(true);
        // Rendered only when help is printed, so the module path is scanned only when someone asks.
        line.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_FOOTER,
                help -> ProvidersCommand.helpFooter(context.registry()));
        line.getSubcommands().get("demo").getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_FOOTER,
                help -> ProvidersCommand.idsFooter(context.registry(),
                        "with --dht and --transport, or in --config's [node] table"));
        line.getSubcommands().get("chat").getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_FOOTER,
                help -> ProvidersCommand.idsFooter(context.registry(), "in --config's [node] table"));
        line.setParameterExceptionHandler(Commands::usageError);
        line.setExecutionExceptionHandler((e, failed, parseResult) -> failure(e, failed, context));
        return line;
    }

    /** A bad command line: say what is wrong and where to read more; no full usage dump burying the message. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        PrintWriter err = failed.getErr();
        String hint = "";
        if (e instanceof CommandLine.UnmatchedArgumentException && !failed.getSubcommands().isEmpty()) {
            hint = "; commands are " + failed.getSubcommands().keySet();
        }
        err.println("topic-tracker: " + oneLine(e.getMessage()) + hint);
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCode.USAGE;
    }

    /**
     * A safety net under the messages' own care: whatever a message quotes (picocli quotes a bad argument whole),
     * what is printed is one line of at most {@link #MAX_MESSAGE} characters, with control characters shown escaped.
     */
    static String oneLine(String message) {
        String text = String.valueOf(message);
        boolean cut = text.length() > MAX_MESSAGE;
        StringBuilder line = new StringBuilder();
        (cut ? text.substring(0, MAX_MESSAGE) : text).codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                line.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
            } else {
                line.appendCodePoint(c);
            }
        });
        if (cut) {
            line.append("… (").append(text.length() - MAX_MESSAGE).append(" more characters)");
        }
        return line.toString();
    }

    private static int failure(Exception e, CommandLine failed, CliContext context) {
        PrintWriter err = context.err();
        int status;
        if (e instanceof CliException cli) {
            err.println("topic-tracker: " + oneLine(cli.getMessage()));
            status = cli.exitCode();
        } else if (e instanceof ConfigException) {
            err.println("topic-tracker: configuration: " + oneLine(e.getMessage()));
            status = ExitCode.USAGE;
        } else if (e instanceof ProviderException) {
            err.println("topic-tracker: " + oneLine(e.getMessage()));
            status = ExitCode.PROVIDER_MISSING;
        } else if (e instanceof java.io.UncheckedIOException io) {
            err.println("topic-tracker: " + io.getMessage() + ": " + io.getCause());
            status = ExitCode.FAILED;
        } else {
            err.println("topic-tracker: " + failed.getCommandName() + " failed: " + e);
            e.printStackTrace(err);
            status = ExitCode.FAILED;
        }
        err.flush();
        return status;
    }
}
