package io.github.deltaimage.format.dir;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For scripts/measure-meta-file.sh: writes (once) a meta file of N keep-files in DIR and reads it,
 * printing entries, time and file size. The script runs it under shrinking heaps.
 * Arguments: DIR N.
 */
public final class MetaFileHeapMain {
  private MetaFileHeapMain() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int entries = Integer.parseInt(args[1]);
    Path file = dir.resolve(MetaFile.NAME);
    if (!Files.exists(file)) {
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
        out.write("{\"version\":\"0.1.1\",\"keep_files\":[");
        for (int i = 0; i < entries; i++) {
          if (i > 0) {
            out.write(',');
          }
          byte[] path = ("usr/share/doc/package-" + (i / 100) + "/file-" + i + ".txt")
              .getBytes(StandardCharsets.US_ASCII);
          out.write('[');
          for (int j = 0; j < path.length; j++) {
            if (j > 0) {
              out.write(',');
            }
            out.write(Integer.toString(path[j] & 0xff));
          }
          out.write(']');
        }
        out.write("],\"changes\":[]}");
      }
    }
    long started = System.nanoTime();
    DeltaMeta meta = MetaFile.read(dir);
    System.out.println(
        meta.keepFiles().size() + " entries " + (System.nanoTime() - started) / 1_000_000 + " ms "
            + Files.size(file) / 1_000_000 + " MB");
  }
}
