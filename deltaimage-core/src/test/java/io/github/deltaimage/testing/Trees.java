package io.github.deltaimage.testing;

import io.github.deltaimage.fs.RawPaths;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Builds source/target tree pairs with every kind of entry the directory format must carry. */
public final class Trees {

  private Trees() {}

  /** Deterministic pseudo-random bytes. */
  public static byte[] bytes(long seed, int size) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  /** {@code data} with a few bytes changed, as a new version of a file would be. */
  public static byte[] edited(byte[] data, long seed) {
    byte[] copy = data.clone();
    Random random = new Random(seed);
    for (int i = 0; i < 8; i++) {
      int at = random.nextInt(copy.length);
      copy[at] = (byte) (copy[at] ^ 0x5a);
    }
    return copy;
  }

  public static Path write(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    return file;
  }

  public static byte[] gzip(byte[] content) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    }
    return out.toByteArray();
  }

  public static void mtime(Path file, long seconds, int nanos) throws IOException {
    Files.getFileAttributeView(
            file, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(FileTime.from(Instant.ofEpochSecond(seconds, nanos)), null, null);
  }

  public static Path raw(Path dir, byte[] name) {
    return RawPaths.resolve(dir, name);
  }

  /**
   * A source and a target tree under {@code root}: changed, identical, new and removed files, a
   * gzip'd file, empty and nested dirs, symlinks (relative, absolute, dangling), a non-UTF-8 name,
   * hard-link groups (all members in the source; one member new), mode bits incl. setuid, extended
   * attributes and, as root, owners, a FIFO, a device node and file capabilities; odd mtimes in ns.
   */
  public static void buildPair(Path source, Path target) throws IOException {
    byte[] big = bytes(1, 400_000);
    byte[] lib = bytes(2, 120_000);
    write(source.resolve("usr/lib/libfoo.so"), lib);
    write(target.resolve("usr/lib/libfoo.so"), edited(lib, 3));
    write(source.resolve("usr/share/doc/big.bin"), big);
    write(target.resolve("usr/share/doc/big.bin"), edited(big, 4));
    write(source.resolve("etc/same.conf"), "identical\n".getBytes());
    write(target.resolve("etc/same.conf"), "identical\n".getBytes());
    write(source.resolve("etc/gone.conf"), "only in the source\n".getBytes());
    write(target.resolve("etc/new.conf"), "only in the target\n".getBytes());
    write(target.resolve("etc/empty"), new byte[0]);
    write(source.resolve("etc/empty"), "was not empty\n".getBytes());
    byte[] text = bytes(5, 50_000);
    write(source.resolve("usr/share/changelog.gz"), gzip(text));
    write(target.resolve("usr/share/changelog.gz"), gzip(edited(text, 6)));
    write(source.resolve("var/lib/tiny"), "a".getBytes());
    write(target.resolve("var/lib/tiny"), "b".getBytes());
    for (Path tree : new Path[] {source, target}) {
      Files.createDirectories(tree.resolve("var/empty/dir"));
      Files.createDirectories(tree.resolve("usr/bin"));
      Files.createSymbolicLink(tree.resolve("usr/bin/foo-link"), Path.of("../lib/libfoo.so"));
      Files.createSymbolicLink(tree.resolve("etc/absolute-link"), Path.of("/etc/passwd"));
      Files.createSymbolicLink(tree.resolve("etc/dangling"), Path.of("no/such/file"));
    }
    byte[] odd = {'o', 'd', 'd', '-', (byte) 0xff, (byte) 0xfe, '.', 'b', 'i', 'n'};
    write(raw(source.resolve("usr/share"), odd), big);
    write(raw(target.resolve("usr/share"), odd), edited(big, 7));
    byte[] oddNew = {'n', 'e', 'w', '-', (byte) 0xe9};
    write(raw(target.resolve("usr/share"), oddNew), "new and not UTF-8\n".getBytes());

    // Hard links: a group that existed, and a group where one member is new.
    write(source.resolve("usr/bin/tool"), lib);
    Files.createLink(source.resolve("usr/bin/tool-alias"), source.resolve("usr/bin/tool"));
    write(target.resolve("usr/bin/tool"), edited(lib, 8));
    Files.createLink(target.resolve("usr/bin/tool-alias"), target.resolve("usr/bin/tool"));
    write(source.resolve("usr/bin/old-member"), big);
    write(target.resolve("usr/bin/old-member"), edited(big, 9));
    Files.createLink(target.resolve("usr/bin/new-member"), target.resolve("usr/bin/old-member"));

    Files.setAttribute(
        target.resolve("usr/bin/tool"), "unix:mode", 04755, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(
        target.resolve("usr/lib/libfoo.so"), "unix:mode", 0444, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(
        target.resolve("usr/share/doc/big.bin"), "unix:mode", 0600, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(
        target.resolve("var/empty/dir"), "unix:mode", 01777, LinkOption.NOFOLLOW_LINKS);
    setXattr(target.resolve("usr/share/doc/big.bin"), "user.origin", "target");
    setXattr(target.resolve("etc/same.conf"), "user.note", "kept");

    if (TestEnvironment.isRoot()) {
      Files.setAttribute(
          target.resolve("usr/share/doc/big.bin"), "unix:uid", 1234, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(
          target.resolve("usr/share/doc/big.bin"), "unix:gid", 2345, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(
          target.resolve("etc/absolute-link"), "unix:uid", 42, LinkOption.NOFOLLOW_LINKS);
      for (Path tree : new Path[] {source, target}) {
        TestEnvironment.run("mkfifo", tree.resolve("var/lib/fifo").toString());
        TestEnvironment.run("mknod", tree.resolve("var/lib/null-device").toString(), "c", "1", "3");
      }
      // File capabilities are dropped by the kernel when a file is written: the differ must put
      // them back.
      TestEnvironment.run(
          "setcap", "cap_net_raw+ep", target.resolve("usr/lib/libfoo.so").toString());
      Files.setAttribute(
          target.resolve("usr/lib/libfoo.so"), "unix:mode", 0444, LinkOption.NOFOLLOW_LINKS);
    }

    long second = 1_600_000_000L;
    for (String file : new String[] {
      "usr/lib/libfoo.so",
      "usr/share/doc/big.bin",
      "etc/same.conf",
      "etc/new.conf",
      "usr/share/changelog.gz",
      "var/lib/tiny",
      "usr/bin/tool",
      "usr/bin/old-member",
      "etc/empty"
    }) {
      mtime(target.resolve(file), second++, 123_456_789);
    }
    for (String dir : new String[] {
      "var/empty/dir",
      "var/empty",
      "usr/bin",
      "usr/lib",
      "usr/share/doc",
      "usr/share",
      "etc",
      "var/lib",
      "usr",
      "var"
    }) {
      mtime(target.resolve(dir), second++, 987_654_321);
    }
    mtime(target, second, 5);
  }

  private static void setXattr(Path file, String name, String value) throws IOException {
    java.nio.file.attribute.UserDefinedFileAttributeView view = Files.getFileAttributeView(
        file, java.nio.file.attribute.UserDefinedFileAttributeView.class);
    view.write(name.substring("user.".length()), java.nio.ByteBuffer.wrap(value.getBytes()));
  }

  /** {@code cp -a}: the real tool, so that copies keep everything a tree holds. */
  public static void copyTree(Path from, Path to) {
    TestEnvironment.run("cp", "-a", "--", from.toString(), to.toString());
  }
}
