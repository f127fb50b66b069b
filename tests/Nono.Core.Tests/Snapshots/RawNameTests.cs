using Nono.Core.Snapshots.Native;

namespace Nono.Core.Tests.Snapshots;

public sealed class RawNameTests
{
    [Theory]
    [InlineData(new byte[] { 0x61, 0x62 }, "ab")]
    [InlineData(new byte[] { 0x61, 0xFF, 0x62 }, "a\\xffb")]
    [InlineData(new byte[] { 0x6E, 0x0A, 0x6C }, "n\\x0al")]
    [InlineData(new byte[] { 0x5C }, "\\\\")]
    [InlineData(new byte[] { 0xC3, 0xA9 }, "é")]
    [InlineData(new byte[] { 0xC3 }, "\\xc3")]
    public void ToDisplay_Bytes_EscapesControlAndInvalidUtf8(byte[] bytes, string expected)
    {
        string raw = RawName.FromBytes(bytes);

        Assert.Equal(expected, RawName.ToDisplay(raw));
        Assert.Equal(bytes, RawName.ToBytes(raw));
    }

    [Fact]
    public void ManifestEncoding_NonUtf8_UsesBase64AndRoundTrips()
    {
        Nono.Core.Snapshots.ManifestEntry entry = new() { Raw = RawName.FromBytes([0x66, 0x80]), RawTarget = RawName.FromString("ok") };

        entry.Encode();
        Nono.Core.Snapshots.ManifestEntry decoded = new() { Path = entry.Path, PathBase64 = entry.PathBase64, Target = entry.Target, TargetBase64 = entry.TargetBase64 };
        decoded.Decode();

        Assert.Null(entry.Path);
        Assert.Equal("ZoA=", entry.PathBase64);
        Assert.Equal("ok", entry.Target);
        Assert.Equal(entry.Raw, decoded.Raw);
        Assert.Equal("ok", decoded.RawTarget);
    }
}
