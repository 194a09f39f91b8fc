package io.github.deltaimage.format.dir;

import io.github.deltaimage.api.DeltaOptions;
import io.github.deltaimage.codec.Xdelta3Codec;
import io.github.deltaimage.event.DeltaListener;
import java.nio.file.Path;

/**
 * A directory apply in its own JVM that pauses after rewriting file N, so a test can send it a real
 * signal in the middle of its rewrites. Arguments: SOURCE DELTA TMP N.
 */
public final class StoppedApplyMain {
  private StoppedApplyMain() {}

  public static void main(String[] args) throws Exception {
    DeltaOptions options = DeltaOptions.defaults();
    Xdelta3Codec codec = Xdelta3Codec.locate(options.xdelta3(), options.xdelta3Settings());
    int pauseAfter = Integer.parseInt(args[3]);
    new DirectoryApply(codec, 2, Path.of(args[2]), DeltaListener.NONE, done -> {
          if (done == pauseAfter) {
            System.out.println("paused after rewrite " + done);
            System.out.flush();
            try {
              Thread.sleep(600_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        })
        .apply(Path.of(args[0]), Path.of(args[1]));
    System.out.println("applied");
  }
}
