using Nono.Core.Audit.Observers;

namespace Nono.Core.Tests.Audit.Observers;

/// <summary>Parsing the record texts of Documentation/admin-guide/LSM/landlock.rst, and what the kernel writes for untrusted strings.</summary>
public sealed class LandlockAuditRecordTests
{
    [Fact]
    public void Parse_AccessRecord_ReadsSerialDomainBlockersAndPath()
    {
        LandlockAuditRecord? record = LandlockAuditRecord.Parse("audit(1729738800.221:34): domain=1a6fdc679 blockers=fs.write_file path=\"/etc/passwd\" dev=\"vda2\" ino=143821");

        Assert.NotNull(record);
        Assert.Equal(34UL, record.Serial);
        Assert.Equal("1a6fdc679", record.Domain);
        Assert.Equal("fs.write_file", record.Fields["blockers"]);
        Assert.Equal("/etc/passwd", record.Fields["path"]);
        Assert.Equal("143821", record.Fields["ino"]);
    }

    [Fact]
    public void Parse_DomainRecord_ReadsStatusAndCreatorPid()
    {
        LandlockAuditRecord? record = LandlockAuditRecord.Parse("audit(1729738800.268:30): domain=1a6fdc66f status=allocated mode=enforcing pid=286 uid=0 exe=\"/root/sandboxer\" comm=\"sandboxer\"");

        Assert.NotNull(record);
        Assert.Equal("allocated", record.Fields["status"]);
        Assert.Equal("286", record.Fields["pid"]);
        Assert.Equal("/root/sandboxer", record.Fields["exe"]);
    }

    [Fact]
    public void Parse_PathWithSpace_IsHexDecoded()
    {
        // audit_log_untrustedstring writes a path holding a space (or quote, or control byte) as bare hex.
        string hex = Convert.ToHexString("/tmp/a b"u8);

        LandlockAuditRecord? record = LandlockAuditRecord.Parse($"audit(1.2:3): domain=1 blockers=fs.read_file path={hex} dev=\"vda\" ino=1");

        Assert.Equal("/tmp/a b", record?.Fields["path"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("domain=1 blockers=fs.read_file")]
    [InlineData("audit(1.2:x): domain=1")]
    [InlineData("audit(1.2:3): domain=\"unterminated")]
    public void Parse_Malformed_ReturnsNull(string text) => Assert.Null(LandlockAuditRecord.Parse(text));
}
