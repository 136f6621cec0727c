// publish_together (tools/io/files.hpp): several outputs become visible all together or not at
// all. The failure is made real: the second destination is turned into a directory before the
// publication, so its rename fails (for root too) after the first one has succeeded.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "io/error.hpp"
#include "io/files.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using linsweep::cli::AtomicFile;
using linsweep::cli::Exit;
using linsweep::cli::publish_together;
using linsweep::cli::ToolError;

class Publish : public linsweep_test::TempDir {
protected:
    std::string read(const std::string& name) const
    {
        std::ifstream in(dir / name, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    void write(const std::string& name, const std::string& text) const
    {
        std::ofstream(dir / name, std::ios::binary) << text;
    }
    // Makes `name` a directory that is not empty: renaming a file onto it fails, for root too.
    void occupy(const std::string& name) const
    {
        fs::remove(dir / name);
        fs::create_directory(dir / name);
        write(name + "/keep", "x");
    }
    // Writes "new <name>" to each file, occupies `broken` between writing and publishing, and
    // expects publish_together to fail naming it.
    void expect_publish_fails(const std::vector<std::string>& names, const std::string& broken) const
    {
        try {
            std::vector<std::unique_ptr<AtomicFile>> files;
            for (const std::string& name : names) {
                files.push_back(std::make_unique<AtomicFile>(path(name)));
                files.back()->write("new " + name);
            }
            occupy(broken);
            publish_together({files[0].get(), files[1].get()});
            ADD_FAILURE() << "publishing onto a directory succeeded";
        } catch (const ToolError& e) {
            EXPECT_EQ(e.code(), Exit::output);
            EXPECT_NE(std::string(e.what()).find("cannot write '" + path(broken) + "'"), std::string::npos)
                << e.what();
        }
    }
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
    expect_publish_fails({"a.json", "b.json"}, "b.json");
    EXPECT_EQ(read("a.json"), "old a");
    EXPECT_EQ(read("b.json/keep"), "x");
    EXPECT_EQ(listing(), (std::vector<std::string>{"a.json", "b.json"}));  // no temporary, no link aside
}

TEST_F(Publish, FirstThatDidNotExistIsRemovedAgain)
{
    expect_publish_fails({"a.json", "c.json"}, "c.json");
    EXPECT_FALSE(fs::exists(dir / "a.json"));
    EXPECT_EQ(listing(), (std::vector<std::string>{"c.json"}));
}
