package io.splitee.onnx;

/**
 * A model run failed: ONNX Runtime reported an error, or a model produced a non-finite logit
 * (NaN or infinity, which ONNX Runtime passes through silently). The message names the model file.
 * Unchecked: it signals a broken model or input, not an expected outcome.
 */
public final class InferenceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the model file
     * @param cause the ONNX Runtime exception, or null
     */
    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
