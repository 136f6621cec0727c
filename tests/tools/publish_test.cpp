// publish_together (tools/io/files.hpp): several outputs become visible all together or not at
// all. The failure is made real: the second destination is turned into a directory before the
// publication, so its rename fails (for root too) after the first one has succeeded.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "io/error.hpp"
#include "io/files.hpp"

namespace {

namespace fs = std::filesystem;
using linsweep::cli::AtomicFile;
using linsweep::cli::Exit;
using linsweep::cli::publish_together;
using linsweep::cli::ToolError;

class Publish : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string templ = (fs::temp_directory_path() / "linsweep-publish-XXXXXX").string();
        ASSERT_NE(::mkdtemp(templ.data()), nullptr);
        dir = templ;
    }
    void TearDown() override { fs::remove_all(dir); }

    std::string path(const std::string& name) const { return (dir / name).string(); }
    std::string read(const std::string& name) const
    {
        std::ifstream in(dir / name, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    void write(const std::string& name, const std::string& text) const
    {
        std::ofstream(dir / name, std::ios::binary) << text;
    }
    std::vector<std::string> listing() const
    {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

    fs::path dir;
};

}  // namespace

TEST_F(Publish, BothReplaced)
{
    write("a.json", "old a");
    {
        AtomicFile a(path("a.json")), b(path("b.json"));
        a.write("new a");
        b.write("new b");
        publish_together({&a, nullptr, &b});
    }
    EXPECT_EQ(read("a.json"), "new a");
    EXPECT_EQ(read("b.json"), "new b");
    EXPECT_EQ(listing(), (std::vector<std::string>{"a.json", "b.json"}));
}

TEST_F(Publish, SecondFailingLeavesTheFirstAsItWas)
{
    write("a.json", "old a");
    write("b.json", "old b");
    try {
        AtomicFile a(path("a.json")), b(path("b.json"));
        a.write("new a");
        b.write("new b");
        // Between writing and publishing, b's destination becomes a directory (not empty).
        fs::remove(dir / "b.json");
        fs::create_directory(dir / "b.json");
        write("b.json/keep", "x");
        publish_together({&a, &b});
        ADD_FAILURE() << "publishing onto a directory succeeded";
    } catch (const ToolError& e) {
        EXPECT_EQ(e.code(), Exit::output);
        EXPECT_NE(std::string(e.what()).find("cannot write '" + path("b.json") + "'"), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(read("a.json"), "old a");
    EXPECT_EQ(read("b.json/keep"), "x");
    EXPECT_EQ(listing(), (std::vector<std::string>{"a.json", "b.json"}));  // no temporary, no link aside
}

TEST_F(Publish, FirstThatDidNotExistIsRemovedAgain)
{
    fs::create_directory(dir / "b.json");
    write("b.json/keep", "x");
    try {
        AtomicFile a(path("a.json"));
        a.write("new a");
        // A regular file at construction, a directory by publication.
        AtomicFile b(path("c.json"));
        b.write("new c");
        fs::create_directory(dir / "c.json");
        write("c.json/keep", "y");
        publish_together({&a, &b});
        ADD_FAILURE() << "publishing onto a directory succeeded";
    } catch (const ToolError& e) {
        EXPECT_EQ(e.code(), Exit::output);
    }
    EXPECT_FALSE(fs::exists(dir / "a.json"));
    EXPECT_EQ(listing(), (std::vector<std::string>{"b.json", "c.json"}));
}
