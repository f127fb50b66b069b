using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Nono.Action.Tests.Install;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

// In this class with the other AOT tests, which run one after another: a missing binary is published once.
public sealed partial class RunCommandTests
{
    private const uint PtLoad = 1;
    private const uint PfWrite = 2;

    /// <summary>
    /// dehydrated_prefetch.c maps the runtime's dehydrated type data (a few MB that every start reads front to back) with
    /// one madvise(MADV_POPULATE_READ), and only inside a read-only segment of the executable. Seen from outside: strace
    /// shows the call, and the executable's load address (AT_ENTRY from ld.so's LD_SHOW_AUXV, less the ELF's entry point)
    /// places its range in the file's read-only PT_LOAD segments. Without the hook, or if it skipped (an unexpected
    /// ReadyToRun header, say a new runtime's major version), there is no such call and this fails.
    /// </summary>
    [Fact]
    public async Task Version_AotNono_PrefetchesTheDehydratedDataOnceInsideAReadOnlySegment()
    {
        CancellationToken cancel = TestContext.Current.CancellationToken;
        string nono = await AotBinary.FindOrPublishAsync(cancel);
        ProcessResult traced = await ProcessRunner.RunAsync("strace", ["-qq", "-e", "trace=madvise", nono, "--version"],
            environment: new Dictionary<string, string> { ["LD_SHOW_AUXV"] = "1" }, cancellationToken: cancel);
        Assert.True(traced.ExitCode == 0, traced.ToString());

        List<(ulong Start, ulong Length)> prefetches = [.. PopulateRead().Matches(traced.StandardError)
            .Select(m => (HexAddress(m.Groups[1].Value), ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))];
        (ulong start, ulong length) = Assert.Single(prefetches);
        Assert.InRange(length, 256UL * 1024, 64UL * 1024 * 1024);

        (ulong entry, List<(ulong Start, ulong End, uint Flags)> loads) = ReadElf(await File.ReadAllBytesAsync(nono, cancel));
        ulong bias = LoadedEntry(traced.StandardOutput, nono) - entry;
        ulong offset = start - bias;
        Assert.Contains(loads, l => offset >= l.Start && offset + length <= l.End && (l.Flags & PfWrite) == 0);
        // The control: the same range tested against the writable segments (.data, .hydrated, bss) finds none.
        Assert.DoesNotContain(loads, l => offset < l.End && offset + length > l.Start && (l.Flags & PfWrite) != 0);
    }

    /// <summary>The entry point and the PT_LOAD segments (file-backed part: vaddr to vaddr + filesz) of a 64-bit ELF.</summary>
    private static (ulong Entry, List<(ulong Start, ulong End, uint Flags)> Loads) ReadElf(byte[] elf)
    {
        Assert.True(elf.AsSpan(0, 5).SequenceEqual("\u007FELF\u0002"u8), "not a 64-bit ELF");
        ulong entry = BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(24));
        int phoff = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(32)));
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(54));
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(56));
        List<(ulong, ulong, uint)> loads = [];
        for (int i = 0; i < phnum; i++)
        {
            ReadOnlySpan<byte> header = elf.AsSpan(phoff + (i * phentsize), phentsize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) == PtLoad)
            {
                ulong vaddr = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
                loads.Add((vaddr, vaddr + BinaryPrimitives.ReadUInt64LittleEndian(header[32..]), BinaryPrimitives.ReadUInt32LittleEndian(header[4..])));
            }
        }

        return (entry, loads);
    }

    /// <summary>
    /// AT_ENTRY of the auxiliary vector that ld.so printed for <paramref name="executable"/> (strace, dynamically linked
    /// too, prints its own first): each block lists AT_ENTRY before AT_EXECFN.
    /// </summary>
    private static ulong LoadedEntry(string showAuxv, string executable)
    {
        string? entry = null;
        foreach (string line in showAuxv.Split('\n'))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is ["AT_ENTRY:", string value])
            {
                entry = value;
            }
            else if (fields is ["AT_EXECFN:", string path] && path == executable && entry is not null)
            {
                return HexAddress(entry);
            }
        }

        Assert.Fail($"no auxiliary vector of {executable} in LD_SHOW_AUXV's output:\n{showAuxv}");
        return 0;
    }

    private static ulong HexAddress(string value) => ulong.Parse(value.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    // Older strace versions print the advice as a number: MADV_POPULATE_READ is 22.
    [GeneratedRegex(@"^madvise\((0x[0-9a-f]+), (\d+), (?:MADV_POPULATE_READ|0x16|22)\b", RegexOptions.Multiline)]
    private static partial Regex PopulateRead();
}
