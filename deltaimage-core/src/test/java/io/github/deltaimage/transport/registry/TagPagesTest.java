package io.github.deltaimage.transport.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The tag list's next page, as Distribution's {@code Link} header gives it. */
class TagPagesTest {

  private static final URI BASE = URI.create("http://127.0.0.1:5000/v2/");

  @Test
  void theNextPageIsResolvedAgainstTheRegistry() {
    assertThat(RegistryClient.nextPage("</v2/app/tags/list?last=1.9&n=100>; rel=\"next\"", BASE))
        .isEqualTo(URI.create("http://127.0.0.1:5000/v2/app/tags/list?last=1.9&n=100"));
  }

  @Test
  void aLinkThatIsNotTheNextPageEndsTheList() {
    assertThat(RegistryClient.nextPage("</v2/app/tags/list?n=100>; rel=\"first\"", BASE))
        .isNull();
    assertThat(RegistryClient.nextPage("garbage", BASE)).isNull();
  }
}
