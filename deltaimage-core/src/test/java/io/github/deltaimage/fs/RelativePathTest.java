package io.github.deltaimage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.InvalidInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RelativePathTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"", "/etc/passwd", "a//b", "a/", "./a", "a/./b", "..", "a/../../b", "a/.."})
  void pathsThatCouldLeaveTheTreeOrAreMalformedAreRefused(String path) {
    assertThatThrownBy(() -> RelativePath.of(path.getBytes()))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void aNulByteIsRefused() {
    assertThatThrownBy(() -> RelativePath.of(new byte[] {'a', 0, 'b'}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("NUL");
  }

  @Test
  void namesThatLookLikeDotsButAreNotAreFine() {
    assertThat(RelativePath.of("a/..b/.c/...".getBytes())).hasToString("a/..b/.c/...");
  }

  @Test
  void nonUtf8BytesSurviveAndAreShownEscaped() {
    byte[] raw = {'x', (byte) 0xff, '/', 'y'};
    RelativePath path = RelativePath.of(raw);
    assertThat(path.bytes()).isEqualTo(raw);
    assertThat(path).hasToString("x\\xff/y");
    assertThat(RawPaths.bytes(path.under(Path.of("/root"))))
        .isEqualTo(new byte[] {'/', 'r', 'o', 'o', 't', '/', 'x', (byte) 0xff, '/', 'y'});
    assertThat(path.parents()).containsExactly(RelativePath.of(new byte[] {'x', (byte) 0xff}));
  }

  @Test
  void orderIsBytewiseUnsigned() {
    assertThat(RelativePath.of(new byte[] {'a', (byte) 0xe9}))
        .isGreaterThan(RelativePath.of("az".getBytes()));
  }

  @Test
  void theTestJvmCanHandleRawNames() {
    assertThat(RawPaths.exact()).as("surefire opens java.base/sun.nio.fs").isTrue();
  }
}
