/*
 * The static entry point of the deltaimage tool image: /opt/deltaimage/deltaimage.
 *
 * The generated Dockerfiles run the tool in stages that may hold no shell, no libc or a different
 * libc (FROM scratch, musl). Everything the tool needs therefore lives under one folder, BASE
 * (normally /opt/deltaimage), and this program, linked statically so it needs nothing at all,
 * starts it through BASE's own copy of the dynamic loader:
 *
 *   BASE/deltaimage ARGS...  ->  BASE/lib/ld-linux-x86-64.so.2 --library-path LIBS
 *                                  BASE/jre/bin/java OPTIONS -jar BASE/deltaimage.jar ARGS...
 *   BASE/bin/xdelta3 ARGS... ->  BASE/lib/ld-linux-x86-64.so.2 --library-path BASE/lib
 *                                  BASE/libexec/xdelta3 ARGS...
 *
 * The same binary plays both parts (chosen by the name it is called by); BASE/bin/xdelta3 is a
 * copy, and BASE/bin goes first on PATH so that the codec's ordinary PATH lookup finds it.
 *
 * Java must spawn xdelta3 with VFORK: its default (posix_spawn through jspawnhelper) runs a
 * dynamically linked helper that wants the system's loader, which such stages do not have.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOADER "lib/ld-linux-x86-64.so.2"
#define MAX_JAVA_OPTS 64

static char base[PATH_MAX];

static void die(const char *what, const char *detail) {
  fprintf(stderr, "deltaimage: %s%s%s; the tool folder %s is incomplete, rebuild the tool image\n", what,
          detail ? ": " : "", detail ? detail : "", base);
  exit(127);
}

/* BASE/suffix in a fresh buffer. */
static char *under_base(const char *suffix) {
  char *path;
  if (asprintf(&path, "%s/%s", base, suffix) < 0) die("out of memory", NULL);
  return path;
}

/* BASE is the folder this binary (or its copy in BASE/bin) sits in. /proc/self/exe is exact; without
 * /proc (unusual even in build stages) argv[0] is used when it is a path, else the usual place. */
static void find_base(const char *argv0, int in_bin) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
  } else if (strchr(argv0, '/') && strlen(argv0) < sizeof self) {
    strcpy(self, argv0);
  } else {
    strcpy(self, "/opt/deltaimage/deltaimage");
  }
  char *slash = strrchr(self, '/');
  if (slash == self) slash[1] = '\0'; else *slash = '\0';
  /* The xdelta3 copy lives one level down, in BASE/bin. */
  size_t len = strlen(self);
  if (in_bin && len >= 4 && strcmp(self + len - 4, "/bin") == 0) self[len - 4] = '\0';
  strcpy(base, self);
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void run(char **argv) {
  execv(argv[0], argv);
  die("cannot start the bundled loader", strerror(errno));
}

static void run_xdelta3(int argc, char **argv) {
  char **args = calloc((size_t)argc + 5, sizeof *args);
  if (!args) die("out of memory", NULL);
  int i = 0;
  args[i++] = under_base(LOADER);
  args[i++] = "--library-path";
  args[i++] = under_base("lib");
  args[i++] = under_base("libexec/xdelta3");
  for (int a = 1; a < argc; a++) args[i++] = argv[a];
  args[i] = NULL;
  run(args);
}

/* Java's temporary files: TMPDIR or /tmp when they exist; FROM scratch stages have neither, so then
 * BASE/tmp, which lives in the build stage only and never reaches an output image. */
static char *temp_dir(void) {
  const char *tmpdir = getenv("TMPDIR");
  if (tmpdir && *tmpdir && is_dir(tmpdir)) return strdup(tmpdir);
  if (is_dir("/tmp")) return "/tmp";
  char *own = under_base("tmp");
  if (mkdir(own, 01777) != 0 && errno != EEXIST) die("cannot create a temporary folder", own);
  return own;
}

static void run_java(int argc, char **argv) {
  char *java_opts[MAX_JAVA_OPTS];
  int n_opts = 0;
  /* DELTAIMAGE_JAVA_OPTS replaces the defaults, split on spaces (as bin/deltaimage does). Serial GC
   * and C1 suit a short-lived tool whose heavy lifting is in xdelta3. */
  const char *opts = getenv("DELTAIMAGE_JAVA_OPTS");
  char *copy = strdup(opts && *opts ? opts : "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx512m");
  for (char *tok = strtok(copy, " "); tok && n_opts < MAX_JAVA_OPTS; tok = strtok(NULL, " ")) java_opts[n_opts++] = tok;

  char *tmp, *jna;
  if (asprintf(&tmp, "-Djava.io.tmpdir=%s", temp_dir()) < 0 || asprintf(&jna, "-Djna.boot.library.path=%s/lib", base) < 0)
    die("out of memory", NULL);

  char **args = calloc((size_t)argc + n_opts + 16, sizeof *args);
  if (!args) die("out of memory", NULL);
  int i = 0;
  args[i++] = under_base(LOADER);
  args[i++] = "--library-path";
  {
    char *libs;
    if (asprintf(&libs, "%s/lib:%s/jre/lib:%s/jre/lib/server", base, base, base) < 0) die("out of memory", NULL);
    args[i++] = libs;
  }
  args[i++] = under_base("jre/bin/java");
  for (int o = 0; o < n_opts; o++) args[i++] = java_opts[o];
  args[i++] = "-Djdk.lang.Process.launchMechanism=VFORK";
  args[i++] = tmp;
  /* JNA's native part is shipped unpacked next to the libraries: a scratch stage may have no
   * writable place to unpack it to, and unpacking every run costs time. */
  args[i++] = jna;
  args[i++] = "-Djna.nounpack=true";
  args[i++] = "-jar";
  args[i++] = under_base("deltaimage.jar");
  for (int a = 1; a < argc; a++) args[i++] = argv[a];
  args[i] = NULL;

  /* The bundled xdelta3 first; the stage's own PATH (if any) after it. */
  const char *path = getenv("PATH");
  char *new_path;
  if (asprintf(&new_path, "%s/bin%s%s", base, path && *path ? ":" : "", path && *path ? path : "") < 0)
    die("out of memory", NULL);
  setenv("PATH", new_path, 1);
  /* File names are bytes; a UTF-8 locale lets Java decode the usual ones. glibc has C.UTF-8
   * built in, so no locale files are needed. */
  if (!getenv("LC_ALL") && !getenv("LANG")) setenv("LC_ALL", "C.UTF-8", 1);
  run(args);
}

int main(int argc, char **argv) {
  const char *argv0 = argc > 0 ? argv[0] : "deltaimage";
  const char *name = strrchr(argv0, '/');
  name = name ? name + 1 : argv0;
  int as_xdelta3 = strcmp(name, "xdelta3") == 0;
  find_base(argv0, as_xdelta3);
  if (as_xdelta3) run_xdelta3(argc, argv);
  run_java(argc, argv);
  return 127;
}
