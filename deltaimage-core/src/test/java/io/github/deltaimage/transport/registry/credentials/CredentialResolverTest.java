package io.github.deltaimage.transport.registry.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.Credentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docker CLI's lookup order, on real config files and a real helper program. */
class CredentialResolverTest {
  @TempDir
  Path tmp;

  private Path config(String json) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("docker"));
    Files.writeString(dir.resolve("config.json"), json);
    return dir;
  }

  /** A docker-credential-NAME script that knows one server and logs what it was asked. */
  private Path helper(String name, String server, String user, String secret) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(
        script,
        "#!/bin/sh\nread server\necho \"$server\" >> " + tmp.resolve(name + ".log") + "\n"
            + "if [ \"$server\" = \"" + server
            + "\" ]; then printf '{\"ServerURL\":\"%s\",\"Username\":\"" + user + "\",\"Secret\":\""
            + secret + "\"}' \"$server\"; "
            + "else echo 'credentials not found in native keychain'; exit 1; fi\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anExplicitCredentialWinsAndIsTheOnlySourceTried() throws Exception {
    Path dir = config("{\"auths\":{\"reg.example\":{\"auth\":\"" + b64("file:pw") + "\"}}}");
    CredentialResolver r = new CredentialResolver(
        new Credentials("cli", "pw", false, "--src-creds"),
        Map.of("DOCKER_CONFIG", dir.toString()),
        tmp);
    CredentialResolver.Lookup l = r.lookup("reg.example");
    assertThat(l.credentials()).get().extracting(Credentials::username).isEqualTo("cli");
    assertThat(l.tried()).containsExactly("--src-creds");
  }

  @Test
  void authsEntriesAreFoundUnderHostOrUrlKeys() throws Exception {
    Path dir = config(
        "{\"auths\":{\"https://reg.example:5000/v1/\":{\"auth\":\"" + b64("alice:pa:ss") + "\"}}}");
    CredentialResolver.Lookup l = new CredentialResolver(
            null, Map.of("DOCKER_CONFIG", dir.toString()), tmp)
        .lookup("reg.example:5000");
    assertThat(l.credentials()).get().satisfies(c -> {
      assertThat(c.username()).isEqualTo("alice");
      assertThat(c.secret()).isEqualTo("pa:ss");
      assertThat(c.toString()).doesNotContain("pa:ss");
    });
  }

  @Test
  void aCredHelperForTheHostComesBeforeTheStoreAndAuths() throws Exception {
    Path bin = helper("hosthelper", "reg.example", "fromhelper", "s1");
    helper("store", "reg.example", "fromstore", "s2");
    Path dir = config(
        "{\"credHelpers\":{\"reg.example\":\"hosthelper\"},\"credsStore\":\"store\",\"auths\":{\"reg.example\":{\"auth\":\""
            + b64("fromauths:x") + "\"}}}");
    CredentialResolver.Lookup l = new CredentialResolver(
            null, Map.of("DOCKER_CONFIG", dir.toString(), "PATH", bin.toString()), tmp)
        .lookup("reg.example");
    assertThat(l.credentials()).get().extracting(Credentials::username).isEqualTo("fromhelper");
    assertThat(Files.readString(tmp.resolve("hosthelper.log"))).isEqualTo("reg.example\n");
  }

  @Test
  void theStoreIsAskedWhenNoHelperIsNamedAndItsMissFallsBackToAuths() throws Exception {
    Path bin = helper("store", "other.example", "fromstore", "s2");
    Path dir = config("{\"credsStore\":\"store\",\"auths\":{\"reg.example\":{\"auth\":\""
        + b64("fromauths:x") + "\"}}}");
    CredentialResolver.Lookup l = new CredentialResolver(
            null, Map.of("DOCKER_CONFIG", dir.toString(), "PATH", bin.toString()), tmp)
        .lookup("reg.example");
    assertThat(l.credentials()).get().extracting(Credentials::username).isEqualTo("fromauths");
    assertThat(l.tried())
        .anySatisfy(t -> assertThat(t).contains("credsStore (docker-credential-store)"))
        .anySatisfy(t -> assertThat(t).endsWith("auths"));
    CredentialResolver.Lookup other = new CredentialResolver(
            null, Map.of("DOCKER_CONFIG", dir.toString(), "PATH", bin.toString()), tmp)
        .lookup("other.example");
    assertThat(other.credentials()).get().extracting(Credentials::username).isEqualTo("fromstore");
  }

  @Test
  void withoutDockerConfigTheHomeFileIsUsedAndItsAbsenceIsReported() {
    CredentialResolver.Lookup l = new CredentialResolver(null, Map.of(), tmp).lookup("reg.example");
    assertThat(l.credentials()).isEmpty();
    assertThat(l.tried()).containsExactly(tmp.resolve(".docker/config.json") + " (not present)");
  }

  // ---------------------------------------------------------------- hostile helpers and files

  static final String SECRET = "hunter2-Pa55";

  /** Every message of the chain and the stack trace a front end prints with -d, searched for the secret. */
  @Test
  void anObserverHearsEachLookupWithTheSourceThatAnswered() {
    java.util.List<String> heard = new java.util.ArrayList<>();
    Credentials provided = new Credentials("ci", "s3cret", false, "settings.xml <server> 'reg'");
    CredentialResolver r = new CredentialResolver(
            null, host -> java.util.Optional.of(provided), Map.of(), tmp)
        .observedBy((host, lookup) -> heard.add(
            host + " -> " + lookup.credentials().map(Credentials::describe).orElse("none")));

    r.lookup("reg.example:5000");

    assertThat(heard)
        .containsExactly("reg.example:5000 -> user 'ci' from settings.xml <server> 'reg'");
  }

  static void assertNoSecret(Throwable t, String... secrets) {
    java.io.StringWriter trace = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(trace));
    StringBuilder all = new StringBuilder(trace.toString());
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append('\n').append(c.getMessage());
    }
    for (String secret : secrets) {
      assertThat(all.toString()).doesNotContain(secret);
    }
  }

  private Path script(String name, String body) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  @Test
  @org.junit.jupiter.api.Timeout(
      value = 15,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aHelperThatNeverFinishesIsKilledWithItsChildrenAtTheTimeoutCountedFromItsStart()
      throws Exception {
    // never reads its input, never closes its output, never exits; its child holds the output too
    Path bin = script(
        "hang",
        "echo $$ > " + tmp.resolve("hang.pid") + "\nsleep 300 &\necho $! > "
            + tmp.resolve("child.pid") + "\nwait\n");
    Path dir = config("{\"credsStore\":\"hang\"}");
    CredentialResolver r = new CredentialResolver(
            null, Map.of("DOCKER_CONFIG", dir.toString(), "PATH", bin.toString()), tmp)
        .withHelperTimeout(java.time.Duration.ofMillis(700));
    long start = System.nanoTime();
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> r.lookup("reg.example"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(t)
        .isInstanceOf(io.github.deltaimage.api.EnvironmentException.class)
        .hasMessageContaining("docker-credential-hang get did not finish within 700 ms")
        .hasMessageContaining(CredentialResolver.HELPER_TIMEOUT);
    assertThat(ms).isLessThan(5000);
    for (String pidFile : new String[] {"hang.pid", "child.pid"}) {
      long pid = Long.parseLong(Files.readString(tmp.resolve(pidFile)).trim());
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as(pidFile + " still running")
          .isFalse();
    }
  }

  @Test
  void aHelperPrintingSomethingOtherThanJsonIsNotEchoed() throws Exception {
    Path bin = script("chatty", "read server\necho \"Username=alice Secret=" + SECRET + "\"\n");
    Path dir = config("{\"credsStore\":\"chatty\"}");
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> new CredentialResolver(
            null, Map.of("DOCKER_CONFIG", dir.toString(), "PATH", bin.toString()), tmp)
        .lookup("reg.example"));
    assertThat(t)
        .isInstanceOf(io.github.deltaimage.api.EnvironmentException.class)
        .hasMessageContaining("docker-credential-chatty get output is not valid JSON at line 1");
    assertNoSecret(t, SECRET);
  }

  @Test
  void aHelperAnsweringWithBrokenJsonAroundTheSecretIsNotEchoed() throws Exception {
    Path bin = script(
        "broken", "read server\nprintf '{\"Username\":\"alice\",\"Secret\":" + SECRET + "}'\n");
    Path dir = config("{\"credsStore\":\"broken\"}");
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> new CredentialResolver(
            null, Map.of("DOCKER_CONFIG", dir.toString(), "PATH", bin.toString()), tmp)
        .lookup("reg.example"));
    assertThat(t).hasMessageContaining("not valid JSON at line 1, column");
    assertNoSecret(t, SECRET);
  }

  @Test
  void aMalformedConfigNamesTheFileAndPositionButNotTheLogin() throws Exception {
    String token = b64("alice:" + SECRET);
    // the quotes around the auth value are missing: Jackson would say "Unrecognized token
    // '<token>'"
    Path dir =
        config("{\n  \"auths\": {\n    \"reg.example\": {\"auth\": " + token + "}\n  }\n}\n");
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(
        () -> new CredentialResolver(null, Map.of("DOCKER_CONFIG", dir.toString()), tmp)
            .lookup("reg.example"));
    assertThat(t)
        .isInstanceOf(io.github.deltaimage.api.InvalidInputException.class)
        .hasMessageContaining(dir.resolve("config.json").toString())
        .hasMessageContaining("line 3");
    assertNoSecret(t, SECRET, token, token.substring(0, 10));
  }
}
