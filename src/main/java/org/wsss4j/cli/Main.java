package org.wsss4j.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.wsss4j.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code wsss4j} command: one subcommand per pipeline step. */
@Command(name = "wsss4j",
        mixinStandardHelpOptions = true,
        version = "wsss4j 0.1.0",
        description = "Weakly and semi-supervised semantic segmentation on the JVM: the AdvCAM"
                + " pipeline (classifier -> CAM/AdvCAM -> IRN pseudo-labels -> DeepLab / CCT) on ND4J"
                + " and SameDiff. Every command reads a VOC 2012 layout folder; 'synth' makes a small"
                + " synthetic one.",
        subcommands = {
            SynthCommand.class,
            DatasetCommand.class,
            EvalCommand.class,
            TrainClassifierCommand.class,
            MakeCamCommand.class,
            EvalSeedsCommand.class,
            ReproduceCommand.class,
            MakeIrLabelsCommand.class,
            TrainIrnCommand.class,
            MakeSemSegCommand.class,
            MakePseudolabelsCommand.class,
            PredictCommand.class,
            TrainDeeplabCommand.class,
            CommandLine.HelpCommand.class},
        showDefaultValues = true)
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code: 0 success, 2 bad arguments or bad input, 1 a bug. */
    public static int run(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        return configure(new CommandLine(new Main()));
    }

    /**
     * Installs wsss4j's error handling on a command line: bad input and bad arguments print one
     * line and return exit code 2. Tests use it to run a single command class directly.
     */
    public static CommandLine configure(CommandLine cli) {
        cli.setExecutionExceptionHandler(Main::handleError);
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("wsss4j: " + ex.getMessage() + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        return cli;
    }

    private static int handleError(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || parsed.asCommandLineList().stream().anyMatch(c -> c.getParseResult().hasMatchedOption("--verbose"));
        PrintWriter err = cli.getErr();
        if (ex instanceof BadInputException || ex instanceof UncheckedIOException) {
            err.println("wsss4j: " + ex.getMessage());
            if (verbose) {
                ex.printStackTrace(err);
            }
            return 2;
        }
        err.println("wsss4j: internal error: " + ex + " (rerun with --verbose for the stack trace)");
        if (verbose) {
            ex.printStackTrace(err);
        }
        return 1;
    }
}
