package io.splitee.demo;

import java.nio.file.Path;

/** The model package the integration tests run on: {@code -Dsplitee.model.dir}, else the shipped one. */
final class TestModel {
    static final Path DIR = Path.of(System.getProperty("splitee.model.dir", "../models/fmnist-resnet12"));

    private TestModel() {
    }
}
