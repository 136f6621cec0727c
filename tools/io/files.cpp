#include "io/files.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/error.hpp"

namespace linsweep::cli {

namespace {

std::string reason(int err)
{
    return std::strerror(err);
}

}  // namespace

MappedFile::MappedFile(const std::string& path) : path_(path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw input_error("cannot open '" + path + "': " + reason(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        throw input_error("cannot read '" + path + "': " + reason(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw input_error("cannot read '" + path + "': not a regular file");
    }
    if (st.st_size == 0) {
        ::close(fd);
        throw input_error("'" + path + "' is empty");
    }
    size_ = static_cast<std::size_t>(st.st_size);
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    const int err = errno;
    ::close(fd);  // the mapping keeps the file alive
    if (p == MAP_FAILED) throw input_error("cannot read '" + path + "': " + reason(err));
    data_ = static_cast<const unsigned char*>(p);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)), data_(other.data_), size_(other.size_)
{
    other.data_ = nullptr;
    other.size_ = 0;
}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept
{
    if (this != &other) {
        if (data_) ::munmap(const_cast<unsigned char*>(data_), size_);
        path_ = std::move(other.path_);
        data_ = other.data_;
        size_ = other.size_;
        other.data_ = nullptr;
        other.size_ = 0;
    }
    return *this;
}

MappedFile::~MappedFile()
{
    if (data_) ::munmap(const_cast<unsigned char*>(data_), size_);
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path))
{
    const auto slash = path_.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : path_.substr(0, slash + 1);
    const std::string base = slash == std::string::npos ? path_ : path_.substr(slash + 1);
    if (base.empty()) throw output_error("cannot write '" + path_ + "': not a file name");
    // A device, pipe or terminal (/dev/stdout, a FIFO) is written in place: there is nothing
    // to rename onto, and replacing a device node would be wrong.
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) throw output_error("cannot write '" + path_ + "': is a directory");
        stream_ = std::fopen(path_.c_str(), "wb");
        if (!stream_) throw output_error("cannot write '" + path_ + "': " + reason(errno));
        return;
    }
    std::string templ = dir + "." + base + ".tmp-XXXXXX";
    const int fd = ::mkostemp(templ.data(), O_CLOEXEC);
    if (fd < 0) throw output_error("cannot write '" + path_ + "': " + reason(errno));
    temp_path_ = templ;
    // mkstemp creates mode 0600; give the result the permissions a plain open() would.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);
    stream_ = ::fdopen(fd, "wb");
    if (!stream_) {
        const int err = errno;
        ::close(fd);
        ::unlink(temp_path_.c_str());
        throw output_error("cannot write '" + path_ + "': " + reason(err));
    }
}

AtomicFile::~AtomicFile()
{
    if (stream_) std::fclose(stream_);
    if (!published_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void AtomicFile::fail(const std::string& what, int err)
{
    throw output_error("cannot " + what + " '" + path_ + "': " + reason(err));
}

void AtomicFile::write(const void* bytes, std::size_t size)
{
    if (size != 0 && std::fwrite(bytes, 1, size, stream_) != size) fail("write", errno);
}

void AtomicFile::finish()
{
    if (finished_) return;
    if (std::fflush(stream_) != 0 || std::ferror(stream_)) fail("write", errno);
    // Devices and pipes cannot be synced (EINVAL); regular files must reach the disk.
    if (!temp_path_.empty() && ::fsync(::fileno(stream_)) != 0) fail("write", errno);
    std::FILE* s = stream_;
    stream_ = nullptr;
    if (std::fclose(s) != 0) fail("write", errno);
    finished_ = true;
}

namespace {

// A fresh name beside `path` for a link to its current content ("" if there is no content).
std::string link_aside(const std::string& path)
{
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::string name = dir + "." + base + ".old-XXXXXX";
        const int fd = ::mkostemp(name.data(), O_CLOEXEC);  // reserves a unique name
        if (fd < 0) return "";
        ::close(fd);
        ::unlink(name.c_str());
        if (::link(path.c_str(), name.c_str()) == 0) return name;
        if (errno != EEXIST) return "";  // no old content, or no hard links here
    }
    return "";
}

}  // namespace

void publish_together(std::initializer_list<AtomicFile*> files)
{
    for (AtomicFile* f : files)
        if (f) f->finish();
    struct Step {
        AtomicFile* file;
        std::string aside;  // the old content, linked away; "" if none
        bool existed;
    };
    std::vector<Step> steps;
    for (AtomicFile* f : files) {
        if (!f || f->temp_path_.empty()) continue;  // nothing to rename (written in place)
        struct stat st {};
        const bool existed = ::lstat(f->path_.c_str(), &st) == 0;
        steps.push_back({f, existed ? link_aside(f->path_) : "", existed});
    }
    std::size_t done = 0;
    int err = 0;
    for (; done < steps.size(); ++done) {
        AtomicFile& f = *steps[done].file;
        if (::rename(f.temp_path_.c_str(), f.path_.c_str()) != 0) {
            err = errno;
            break;
        }
        f.published_ = true;
    }
    if (err != 0)  // back to the old contents, newest first
        for (std::size_t i = done; i-- > 0;) {
            const Step& s = steps[i];
            if (!s.aside.empty())
                ::rename(s.aside.c_str(), s.file->path_.c_str());
            else if (!s.existed)
                ::unlink(s.file->path_.c_str());
        }
    for (const Step& s : steps)
        if (!s.aside.empty()) ::unlink(s.aside.c_str());  // gone already where it was restored
    if (err != 0) steps[done].file->fail("write", err);
}

void AtomicFile::publish()
{
    finish();
    if (temp_path_.empty()) return;  // written in place
    if (::rename(temp_path_.c_str(), path_.c_str()) != 0) fail("write", errno);
    published_ = true;
}

}  // namespace linsweep::cli
