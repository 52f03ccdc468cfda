import Analytics
import ArgumentParser
import Foundation
import Glibc
import Ingest

// One place maps every error to its one-line message and exit status (STYLE.md §5): never
// ArgumentParser's 64, the contract says 1 for usage errors.
do {
    var command = try Netbar.parseAsRoot()
    try command.run()
} catch let error as RunError {
    // A database this run created is of no use after a usage error: nothing was read into it.
    if error.exitCode == 1, let created = Wiring.createdDatabase {
        for suffix in ["", "-wal", "-shm"] { unlink(created + suffix) }
    }
    writeStandardError("netbar: \(TerminalText.safe(error.description))\n")
    exit(error.exitCode)
} catch {
    let code = Netbar.exitCode(for: error)
    if code == .success {
        print(Netbar.fullMessage(for: error))
        exit(0)
    }
    // One line: ArgumentParser's message may continue on further lines (the choices of a bad value).
    let message = Netbar.message(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        .joined(separator: " ")
    writeStandardError("netbar: \(TerminalText.safe(message))\n")
    exit(1)
}
