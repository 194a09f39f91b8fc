package io.github.deltaimage.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.deltaimage.testing.TestServices;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The real compressors the models must match, run as the tests' reference, and inputs for them:
 * real tar streams and generated data of several shapes.
 */
final class RealProducers {

  private static final String GOPATH = "/usr/share/gocode";
  private static final String PGZIP_SOURCES = GOPATH + "/src/github.com/klauspost/pgzip";

  private RealProducers() {}

  /**
   * Builds the small Go program of the test resources that gzips stdin with Go's compress/gzip
   * ({@code std LEVEL}) or klauspost's pgzip ({@code pgzip LEVEL}), with Debian's golang-go.
   */
  static Path buildGzipper(Path dir) throws IOException, InterruptedException {
    String go = TestServices.tool("go");
    if (!Files.isDirectory(Path.of(PGZIP_SOURCES))) {
      missing("golang-github-klauspost-pgzip-dev and golang-github-klauspost-compress-dev");
    }
    Path source = dir.resolve("main.go");
    try (InputStream in = RealProducers.class.getResourceAsStream("gzipper/main.go")) {
      Files.copy(in, source);
    }
    Path binary = dir.resolve("gzipper");
    ProcessBuilder pb = new ProcessBuilder(go, "build", "-o", binary.toString(), source.toString())
        .directory(dir.toFile())
        .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    // Debian ships Go libraries as GOPATH sources, not as modules.
    env.put("GO111MODULE", "off");
    env.put("GOPATH", GOPATH);
    env.put("GOCACHE", goCache(dir).toString());
    env.put("GOFLAGS", "");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      fail("go build of the test gzipper failed: " + out);
    }
    return binary;
  }

  private static Path goCache(Path dir) throws IOException {
    String cache = System.getenv("DELTAIMAGE_CACHE");
    Path path =
        cache != null && !cache.isBlank() ? Path.of(cache, "go-build") : dir.resolve("go-build");
    Files.createDirectories(path);
    return path;
  }

  /** Runs {@code command} with {@code in} as stdin and {@code out} as stdout. */
  static void pipe(Path in, Path out, String... command) throws IOException, InterruptedException {
    Path err = Files.createTempFile(out.getParent(), "stderr", ".txt");
    Process p = new ProcessBuilder(command)
        .redirectInput(in.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    int exit = p.waitFor();
    if (exit != 0) {
      fail(String.join(" ", command) + " exited " + exit + ": " + Files.readString(err));
    }
    Files.delete(err);
  }

  /**
   * The first {@code limit} bytes of a real tar stream: of the fixture root filesystem when
   * DELTAIMAGE_TEST_ROOTFS_OLD names one, else of /usr/share/doc.
   */
  static Path realTar(Path dir, String name, long limit) throws IOException, InterruptedException {
    String rootfs = System.getenv("DELTAIMAGE_TEST_ROOTFS_OLD");
    Path from = rootfs != null && Files.isDirectory(Path.of(rootfs))
        ? Path.of(rootfs)
        : Path.of("/usr/share/doc");
    Path tar = dir.resolve(name);
    Process p = new ProcessBuilder("tar", "--sort=name", "-cf", "-", "-C", from.toString(), ".")
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try (InputStream in = p.getInputStream();
        OutputStream out = Files.newOutputStream(tar)) {
      byte[] buffer = new byte[64 * 1024];
      long left = limit;
      int n;
      while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
        out.write(buffer, 0, n);
        left -= n;
      }
    } finally {
      p.destroy();
      p.waitFor();
    }
    assertEquals(limit, Files.size(tar), "the tar of " + from + " is shorter than the test needs");
    return tar;
  }

  /**
   * {@code size} bytes alternating text-like runs (compressible, with long and short repeats) and
   * random runs (incompressible), so that every block type and the window's wrap-around occur.
   */
  static Path generated(Path dir, String name, int size, long seed) throws IOException {
    Random random = new Random(seed);
    String[] words = {
      "layer",
      "image",
      "delta",
      "the",
      "of",
      "manifest",
      "config",
      "blob",
      "sha256:",
      "usr/share/doc/",
      "\n",
      "    ",
      "{\"a\":",
      "0123456789",
      "copyright",
      "GNU General Public License"
    };
    byte[] data = new byte[size];
    int i = 0;
    while (i < size) {
      int run = 1 + random.nextInt(random.nextInt(10) == 0 ? 200_000 : 20_000);
      int end = Math.min(size, i + run);
      if (random.nextInt(4) == 0) {
        while (i < end) {
          data[i++] = (byte) random.nextInt(256);
        }
      } else if (random.nextInt(5) == 0 && i > 70_000) {
        // A repeat from far back, beyond and within the 32 KiB window.
        int from = random.nextInt(i - 1);
        while (i < end) {
          data[i++] = data[from++];
        }
      } else {
        while (i < end) {
          byte[] w = words[random.nextInt(words.length)].getBytes();
          for (int k = 0; k < w.length && i < end; k++) {
            data[i++] = w[k];
          }
        }
      }
    }
    Path file = dir.resolve(name);
    Files.write(file, data);
    return file;
  }

  /** Small and edge-case inputs: empty, one byte, short text, one byte short of a Go block. */
  static List<Path> smallInputs(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(Files.write(dir.resolve("empty"), new byte[0]));
    files.add(Files.write(dir.resolve("one-byte"), new byte[] {42}));
    files.add(Files.write(
        dir.resolve("short-text"), "hello hello hello, deflate\n".repeat(7).getBytes()));
    files.add(generated(dir, "block-minus-one", 65534, 7));
    files.add(generated(dir, "block-plus-one", 65536, 8));
    return files;
  }

  private static void missing(String what) {
    String why = "needs " + what + "; install it (./run test does)";
    if ("1".equals(System.getenv("DELTAIMAGE_TEST_REQUIRE_ALL"))) {
      fail(why);
    }
    assumeTrue(false, why);
  }
}
