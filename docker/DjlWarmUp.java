import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Runs at image build time (java's single-file source launcher): loads DJL's PyTorch engine and the
 * Hugging Face tokenizers library once, so that DJL unpacks their native libraries into
 * ENGINE_CACHE_DIR. The running image then finds them there, read-only and offline.
 */
public class DjlWarmUp {

  public static void main(String[] args) throws ReflectiveOperationException {
    Engine engine = Engine.getEngine("PyTorch");
    try (NDManager manager = engine.newBaseManager()) {
      NDArray sum = manager.ones(new ai.djl.ndarray.types.Shape(4)).sum();
      System.out.printf(
          "PyTorch %s loaded on %s (check: %s)%n",
          engine.getVersion(), manager.getDevice(), sum.getFloat());
    }
    // The tokenizers library loads on first use; checkStatus() loads it now.
    Class.forName("ai.djl.huggingface.tokenizers.jni.LibUtils").getMethod("checkStatus").invoke(null);
    System.out.println("Hugging Face tokenizers library loaded");
  }
}
