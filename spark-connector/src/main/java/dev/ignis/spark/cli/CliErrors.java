package dev.ignis.spark.cli;

import java.io.PrintWriter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;

/**
 * How Ignis' command lines ({@code bin/ignis}, {@link dev.ignis.spark.TrainJob} under spark-submit)
 * report failures: a user error (a bad option value, a missing file named on the command line) is
 * one line and exit status 2; a failure while running (a training step, a corrupt data file) is
 * one line naming the cause and exit status 1; success is 0. Neither prints a stack trace unless
 * {@code --verbose} is given or {@code IGNIS_DEBUG} is set.
 */
public final class CliErrors {
    /** Exit status of a bad command line. */
    public static final int USER_ERROR = 2;
    /** Exit status of a failure while running. */
    public static final int FAILURE = 1;

    private CliErrors() {
    }

    /**
     * Installs both handlers on {@code cli}; returns it. A user error ends by pointing at the
     * command's help: {@code launcher} followed by the subcommands' names and {@code --help}
     * (e.g. launcher {@code bin/ignis}: "see 'bin/ignis bench spark --help'").
     */
    public static CommandLine install(CommandLine cli, String launcher) {
        cli.setParameterExceptionHandler((e, args) -> userError(e, launcher));
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof ParameterException p) {
                return userError(p, launcher);
            }
            PrintWriter err = command.getErr();
            err.println("ignis " + command.getCommandName() + ": failed: " + describe(e));
            if (verbose(parsed)) {
                e.printStackTrace(err);
            }
            err.flush();
            return FAILURE;
        });
        return cli;
    }

    private static int userError(ParameterException e, String launcher) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        String subcommands = subcommandPath(command);
        err.println("ignis " + command.getCommandName() + ": " + e.getMessage() + " (see '" + launcher
                + (subcommands.isEmpty() ? "" : " " + subcommands) + " --help')");
        if (debug()) {
            e.printStackTrace(err);
        }
        err.flush();
        return USER_ERROR;
    }

    /**
     * The exception's message, with its causes' where they add one: "reading X failed: ...". One
     * line: a message that carries a stack trace (a Spark stage failure carries the task's) gives
     * its first line and the last "Caused by:" in it, the failure at the bottom of the task.
     */
    public static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : oneLine(t.getMessage());
            if (out.indexOf(message) < 0) {
                out.append(out.length() == 0 ? "" : ": ").append(message);
            }
        }
        return out.toString();
    }

    private static String oneLine(String message) {
        java.util.List<String> lines = message.strip().lines().toList();
        if (lines.size() <= 1) {
            return message.strip();
        }
        String rootCause = null;
        for (String line : lines) {
            if (line.startsWith("Caused by: ")) {
                rootCause = line.substring("Caused by: ".length()).strip();
            }
        }
        String first = lines.get(0).strip();
        return rootCause == null || first.contains(rootCause) ? first : first + " ... caused by " + rootCause;
    }

    /** The names of the subcommands from the root to {@code command} ("bench spark"; "" for the root). */
    private static String subcommandPath(CommandLine command) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (CommandLine c = command; c.getParent() != null; c = c.getParent()) {
            names.add(0, c.getCommandName());
        }
        return String.join(" ", names);
    }

    /** Whether {@code --verbose} was given to the command or any subcommand on the line, or IGNIS_DEBUG is set. */
    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return debug();
    }

    private static boolean debug() {
        String flag = System.getenv("IGNIS_DEBUG");
        return flag != null && !flag.isEmpty() && !flag.equals("0");
    }

    /** The device {@code --device} names, available here, else a user error saying why not. */
    public static dev.ignis.tensor.Device device(CommandLine.Model.CommandSpec command, String spec) {
        try {
            if (spec.equals("auto")) {
                dev.ignis.backend.Backends.DeviceChoice best = dev.ignis.backend.Backends.bestDevice();
                System.out.println("device: " + best.device() + " (" + best.reason() + ")");
                return best.device();
            }
            dev.ignis.tensor.Device device = dev.ignis.tensor.Device.of(spec);
            dev.ignis.backend.Backends.forDevice(device);
            return device;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(command.commandLine(), "--device " + spec + ": " + e.getMessage());
        }
    }

    /** Checks that an option's value is one of {@code choices}, else a user error listing them. */
    public static void oneOf(CommandLine.Model.CommandSpec command, String option, String value,
                      java.util.List<String> choices) {
        if (!choices.contains(value)) {
            throw new ParameterException(command.commandLine(), option + " must be one of " + String.join(", ", choices)
                    + ", got '" + value + "'");
        }
    }

    /**
     * Checks an option's value: {@code value ≥ min}, else a user error naming the option.
     *
     * @throws ParameterException for {@code command}'s usage
     */
    public static void atLeast(CommandLine.Model.CommandSpec command, String option, long value, long min) {
        if (value < min) {
            throw new ParameterException(command.commandLine(), option + " must be at least " + min + ", got " + value);
        }
    }

    /**
     * The local file-system path an option's path value names ({@code /x}, {@code x} or
     * {@code file:/x}), or null for another file system ({@code hdfs://...}), which is checked
     * only when it is read or written.
     */
    public static java.nio.file.Path localPath(String value) {
        if (value.contains("://")) {
            return null;
        }
        return java.nio.file.Path.of(value.startsWith("file:") ? value.substring("file:".length()) : value);
    }
}
