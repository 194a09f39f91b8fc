package io.github.deltaimage.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.Digest;
import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.image.Compression;
import io.github.deltaimage.image.Layer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** delta.json says which format wrote it: the current one and the older ones still read, others are refused by name. */
class DeltaDescriptorFormatTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"image-delta/1", "image-delta/2", "image-delta/3", "image-delta/4", "image-delta/5"
      })
  void theFormatsThisVersionAppliesAreRead(String format) {
    DeltaDescriptor read = DeltaDescriptor.parse(withFormat("io.github.deltaimage/" + format));
    assertThat(read.layers()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"image-delta/6", "image-delta/0", "something-else/3"})
  void aFormatItDoesNotKnowIsRefusedNamingIt(String format) {
    assertThatThrownBy(() -> DeltaDescriptor.parse(withFormat("io.github.deltaimage/" + format)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(format)
        .hasMessageContaining("image-delta/5");
  }

  private static byte[] withFormat(String format) {
    Digest config = Digest.sha256("config".getBytes(StandardCharsets.UTF_8));
    Digest tar = Digest.sha256("tar".getBytes(StandardCharsets.UTF_8));
    Layer layer = new Layer(
        tar,
        Digest.sha256("blob".getBytes(StandardCharsets.UTF_8)),
        42,
        "application/vnd.oci.image.layer.v1.tar+gzip",
        Compression.GZIP);
    DeltaDescriptor descriptor = new DeltaDescriptor(
        "test",
        false,
        config,
        List.of(tar),
        config,
        "application/vnd.oci.image.config.v1+json",
        null,
        List.of(new DeltaDescriptor.TargetLayer(layer, false, null)));
    String json = new String(descriptor.toJson(), StandardCharsets.UTF_8);
    assertThat(json).contains(DeltaDescriptor.FORMAT);
    return json.replace(DeltaDescriptor.FORMAT, format).getBytes(StandardCharsets.UTF_8);
  }
}
