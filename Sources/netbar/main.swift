import ArgumentParser
import Glibc
import Ingest

// One place maps every error to its one-line message and exit status (STYLE.md §5): never
// ArgumentParser's 64, the contract says 1 for usage errors.
do {
    var command = try Netbar.parseAsRoot()
    try command.run()
} catch let error as RunError {
    writeStandardError("netbar: \(error.description)\n")
    exit(error.exitCode)
} catch {
    let code = Netbar.exitCode(for: error)
    if code == .success {
        print(Netbar.fullMessage(for: error))
        exit(0)
    }
    let message = Netbar.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    writeStandardError("netbar: \(message)\n")
    exit(1)
}
