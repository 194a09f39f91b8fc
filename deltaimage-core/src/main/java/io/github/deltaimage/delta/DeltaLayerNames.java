package io.github.deltaimage.delta;

/** Where things live inside the delta layer; one place for every member name. */
final class DeltaLayerNames {
  private DeltaLayerNames() {}

  /** The folder in the delta layer (the original's directory name). */
  static final String PREFIX = "__deltaimage__.delta/";

  static final String DESCRIPTOR = "delta.json";
  static final String TARGET_CONFIG = "target-config.json";
  static final String TARGET_MANIFEST = "target-manifest.json";

  static String recipe(int layer) {
    return "layer-" + layer + ".recipe";
  }

  static String literals(int layer) {
    return "layer-" + layer + ".literals";
  }

  static String deltas(int layer) {
    return "layer-" + layer + ".deltas";
  }
}
