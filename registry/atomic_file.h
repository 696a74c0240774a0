#pragma once
// Files written whole or not at all: the content goes to `<path>.tmp<pid>` beside the file, is
// written and fsync'ed, and is renamed over `path` (atomic within one folder on POSIX), so a crash
// or a full disk never leaves half a checkpoint, prediction.csv, report or outcome file where a
// reader looks. A process killed mid-write leaves only the `.tmp<pid>` file, the name the runner's
// start-up sweep removes.
//
//   write_file_atomically("out/prediction.csv", [&](std::ostream& out) { out << header << rows; });
//   write_file_atomically("report.html", html);
//
// Missing parent folders are created. Throws std::runtime_error naming `path` and the system's
// reason ("write failed: No space left on device", a folder in the way, a failed rename) after
// removing the temp file; a `write` callback that throws leaves no file at all.

#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace dflab {

void write_file_atomically(const std::string& path, std::string_view bytes);
// The callback's output is gathered in memory first, then written as above.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace dflab
