using System.Runtime.InteropServices;
using System.Text;

namespace Nono.Core.Sandbox;

/// <summary>NUL-terminated UTF-8 strings and NULL-terminated pointer arrays in unmanaged memory, freed together.</summary>
internal sealed unsafe class NativeStrings : IDisposable
{
    private readonly List<nint> _allocations = [];

    public byte* String(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("strings passed to the kernel cannot contain NUL", nameof(value));
        }

        int length = Encoding.UTF8.GetByteCount(value);
        byte* p = (byte*)Allocate((nuint)length + 1);
        // SAFETY: p has length + 1 bytes; GetBytes writes exactly length bytes, then the terminator.
        Encoding.UTF8.GetBytes(value, new Span<byte>(p, length));
        p[length] = 0;
        return p;
    }

    public byte** Array(IReadOnlyList<string> values)
    {
        byte** array = (byte**)Allocate((nuint)(sizeof(byte*) * (values.Count + 1)));
        for (int i = 0; i < values.Count; i++)
        {
            array[i] = String(values[i]);
        }

        array[values.Count] = null;
        return array;
    }

    public void* Allocate(nuint bytes)
    {
        void* p = NativeMemory.AllocZeroed(bytes);
        _allocations.Add((nint)p);
        return p;
    }

    public void Dispose()
    {
        foreach (nint p in _allocations)
        {
            NativeMemory.Free((void*)p);
        }

        _allocations.Clear();
    }
}
