package io.github.deltaimage.cli;

import io.github.deltaimage.api.DeltaImage;
import io.github.deltaimage.api.DeltaImageException;
import io.github.deltaimage.api.SourceRequiredException;
import io.github.deltaimage.api.TempSpaceException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code deltaimage} command. */
@Command(
    name = "deltaimage",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Binary deltas between container images and directory trees, and their exact restoration.",
    subcommands = {
      DiffCommand.class,
      ApplyCommand.class,
      CopyCommand.class,
      ImageCommand.class,
      DockerFileCommand.class
    })
public final class Main implements Runnable {

  /** Exit code when the work failed (bad input, missing tool, ...). */
  static final int FAILURE = 1;

  @Option(
      names = {"-d", "--debug"},
      description = "Print per-file decisions and totals.",
      scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(
        execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns its exit code: 0 ok, 1 failure, 2 usage error. */
  static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler((exception, cmd, parsed) -> {
      Main main = cmd.getCommandSpec().root().userObject() instanceof Main m ? m : null;
      if (exception instanceof DeltaImageException) {
        err.println("deltaimage: " + exception.getMessage() + hintFor(exception));
      } else {
        err.println("deltaimage: unexpected failure: " + exception);
      }
      if (main != null && main.debug) {
        exception.printStackTrace(err);
      }
      err.flush();
      return FAILURE;
    });
    return commandLine.execute(args);
  }

  /** Core leaves how to name an option to the front end: these are the command line's words. */
  static String hintFor(Exception exception) {
    if (exception instanceof SourceRequiredException) {
      return " with --source IMAGE";
    }
    if (exception instanceof TempSpaceException) {
      return " (--tmp-dir DIR)";
    }
    return "";
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"deltaimage " + DeltaImage.version()};
    }
  }
}
