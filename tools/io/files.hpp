// Reading files by mapping them, and writing them atomically (temporary file, then rename).
#pragma once

#include <cstddef>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>

namespace linsweep::cli {

// A whole file mapped read-only. Missing, unreadable, non-regular and empty files are input
// errors with the path and the reason.
class MappedFile {
public:
    explicit MappedFile(const std::string& path);
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    const unsigned char* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    std::string_view text() const noexcept { return {reinterpret_cast<const char*>(data_), size_}; }
    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
    const unsigned char* data_ = nullptr;
    std::size_t size_ = 0;
};

// Writes `path` through a temporary file in the same directory: the destination appears only
// complete (publish renames it), and the temporary is removed if the object dies unpublished.
// Every failure is an output error naming the destination.
class AtomicFile {
public:
    explicit AtomicFile(std::string path);
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    ~AtomicFile();

    std::FILE* stream() const noexcept { return stream_; }
    void write(const void* bytes, std::size_t size);
    void write(std::string_view text) { write(text.data(), text.size()); }
    // Flushes, syncs and closes the temporary: every write error shows up here.
    void finish();
    // Renames the finished temporary onto the destination.
    void publish();
    const std::string& path() const noexcept { return path_; }

private:
    friend void publish_together(std::initializer_list<AtomicFile*> files);
    [[noreturn]] void fail(const std::string& what, int err);
    std::string path_;
    std::string temp_path_;
    std::FILE* stream_ = nullptr;
    bool finished_ = false;
    bool published_ = false;
};

// Publishes several files as one: all or none. Each is finished first (every write error shows
// up before any destination changes); each existing destination is then hard-linked aside, and
// the temporaries are renamed onto their destinations in order. If a rename fails, the
// destinations already replaced get their old content back (or disappear if they did not
// exist), and the error names the file that failed. The links aside are removed either way.
// Null entries (outputs on stdout) are skipped. A destination whose directory cannot hold a
// hard link is replaced without that way back.
void publish_together(std::initializer_list<AtomicFile*> files);

}  // namespace linsweep::cli
