package dev.perennial.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of every layer for the tokens seen so far ([B, kv_heads, S, head_dim] each,
 * before the grouped-query repeat), so generation feeds only the new token each step. The cache
 * owns its arrays; replaced entries are closed at once.
 */
public final class KvCache implements AutoCloseable {

  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;

  public KvCache(NDManager parent, int layers) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  /** Tokens cached so far. */
  public long length() {
    return keys[0] == null ? 0 : keys[0].getShape().get(2);
  }

  /**
   * Appends this step's keys and values of a layer and returns the whole sequence's.
   *
   * @param step the pass's manager: the returned arrays are lent to it for the pass, so arrays
   *     derived from them are freed with the pass, not kept with the cache
   * @return {keys, values} covering cached and new tokens
   */
  NDArray[] append(int layer, NDArray newKeys, NDArray newValues, NDManager step) {
    NDArray allKeys = keys[layer] == null ? newKeys.duplicate() : keys[layer].concat(newKeys, 2);
    NDArray allValues =
        values[layer] == null ? newValues.duplicate() : values[layer].concat(newValues, 2);
    allKeys.attach(manager);
    allValues.attach(manager);
    if (keys[layer] != null) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = allKeys;
    values[layer] = allValues;
    step.tempAttachAll(allKeys, allValues);
    return new NDArray[] {allKeys, allValues};
  }

  @Override
  public void close() {
    manager.close();
  }
}
