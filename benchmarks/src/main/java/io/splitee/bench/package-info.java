/** Benchmarks whose figures are quoted in docs/benchmarks.md; run from the shaded jar {@code benchmarks/target/splitee-benchmarks.jar}. */
package io.splitee.bench;
