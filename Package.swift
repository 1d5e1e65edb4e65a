// swift-tools-version:6.0
// Conc: a small concurrent scripting language with a GIL, threads and forked processes.
import PackageDescription

let package = Package(
    name: "Conc",
    products: [
        .library(name: "Conc", targets: ["Conc"]),
        .executable(name: "conc", targets: ["conc"]),
    ],
    targets: [
        // The language and its embedding API: no readline, no argument parsing.
        .target(name: "Conc"),
        // GNU readline, used only by the REPL in the executable.
        .systemLibrary(
            name: "CReadline",
            providers: [.apt(["libreadline-dev"])]
        ),
        .executableTarget(
            name: "conc",
            dependencies: [
                "Conc",
                "CReadline",
            ]
        ),
        // The fuzzer (see Tests/fuzz/run) and, built without FUZZING, its reproducer.
        .executableTarget(name: "ConcFuzz", dependencies: ["Conc"]),
        .testTarget(name: "ConcTests", dependencies: ["Conc"], exclude: ["Golden"]),
    ]
)
