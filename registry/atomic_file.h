#pragma once
// Files written whole or not at all: the content goes to `<path>.tmp<pid>` beside the file, is
// flushed, and is renamed over `path` (atomic within one folder on POSIX), so a crash or a full
// disk never leaves half a prediction.csv, report or outcome file where a reader looks. A process
// killed mid-write leaves only the `.tmp<pid>` file, the name the runner's start-up sweep removes.
//
//   write_file_atomically("out/prediction.csv", [&](std::ostream& out) { out << header << rows; });
//   write_file_atomically("report.html", html);
//
// Missing parent folders are created. Throws std::runtime_error naming `path` and the reason (a
// folder in the way, a full disk, a failed rename) after removing the temp file.

#include <functional>
#include <ostream>
#include <string>

namespace dflab {

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace dflab
