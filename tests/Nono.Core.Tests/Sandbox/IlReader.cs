using System.Reflection;
using System.Reflection.Emit;

namespace Nono.Core.Tests.Sandbox;

/// <summary>One decoded IL instruction; <see cref="Token"/> is the 4-byte operand (a metadata token for token operands).</summary>
internal readonly record struct IlInstruction(OpCode OpCode, int Token);

/// <summary>Decodes a method body's IL (ECMA-335 III), enough to follow its calls and check its opcodes.</summary>
internal static class IlReader
{
    private static readonly Dictionary<short, OpCode> s_opcodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!) // static fields of OpCodes are all OpCode values
        .ToDictionary(o => o.Value);

    public static IEnumerable<IlInstruction> Read(MethodBase method)
    {
        byte[] il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
        int i = 0;
        while (i < il.Length)
        {
            bool twoBytes = il[i] == 0xFE;
            short value = twoBytes ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += twoBytes ? 2 : 1;
            OpCode op = s_opcodes[value];
            int size = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
            yield return new IlInstruction(op, size == 4 ? BitConverter.ToInt32(il, i) : 0);
            i += size;
        }
    }
}
