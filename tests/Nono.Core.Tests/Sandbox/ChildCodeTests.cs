using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Nono.Core.Sandbox;

namespace Nono.Core.Tests.Sandbox;

/// <summary>
/// The forked child must find everything it runs compiled and bound (<see cref="ChildCode"/>). These tests read the IL of
/// every method the child can reach from <see cref="ChildProcess.Fork"/> and check, by construction rather than by luck,
/// that nothing there can enter the runtime: no method outside the prepared types, no tiering, no static (so no class
/// constructor check), no allocation or exception, and no unmanaged signature whose call stub the parent did not bind.
/// </summary>
public sealed class ChildCodeTests
{
    private const BindingFlags AnyStatic = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>Opcodes that allocate, throw, touch statics or call through the runtime's type system.</summary>
    private static readonly HashSet<OpCode> s_forbidden =
    [
        OpCodes.Newobj, OpCodes.Newarr, OpCodes.Box, OpCodes.Unbox, OpCodes.Unbox_Any, OpCodes.Castclass, OpCodes.Isinst,
        OpCodes.Ldstr, OpCodes.Throw, OpCodes.Rethrow, OpCodes.Ldsfld, OpCodes.Ldsflda, OpCodes.Stsfld, OpCodes.Ldtoken,
        OpCodes.Ldftn, OpCodes.Ldvirtftn, OpCodes.Callvirt, OpCodes.Jmp, OpCodes.Mkrefany, OpCodes.Refanyval,
        OpCodes.Ldelem, OpCodes.Ldelema, OpCodes.Stelem, OpCodes.Ldlen, OpCodes.Div, OpCodes.Div_Un, OpCodes.Rem, OpCodes.Rem_Un,
        OpCodes.Add_Ovf, OpCodes.Add_Ovf_Un, OpCodes.Sub_Ovf, OpCodes.Sub_Ovf_Un, OpCodes.Mul_Ovf, OpCodes.Mul_Ovf_Un,
    ];

    [Fact]
    public void ReachableMethods_AreInPreparedTypesAndOptOutOfTiering()
    {
        HashSet<Type> prepared = PreparedTypes();

        List<MethodBase> reached = Reachable();

        Assert.Contains(typeof(ChildInit).GetMethod("Relay", AnyStatic), reached); // the walk follows calls
        foreach (MethodBase method in reached)
        {
            Assert.True(prepared.Contains(method.DeclaringType!), $"{Name(method)} runs in the child but ChildCode.Prepare does not prepare its type");
            Assert.True(method.IsStatic && !method.IsGenericMethod, $"{Name(method)} must be a static, non-generic method");
            MethodImplAttributes flags = method.MethodImplementationFlags;
            Assert.True(
                flags.HasFlag(MethodImplAttributes.AggressiveOptimization) && flags.HasFlag(MethodImplAttributes.NoInlining),
                $"{Name(method)} must be NoInlining | AggressiveOptimization (no tiering, no call counting, no inlining into tiered code)");
        }
    }

    [Fact]
    public void ReachableMethods_TouchNoStaticAllocateNothingAndThrowNothing()
    {
        foreach (MethodBase method in Reachable())
        {
            Assert.Empty(method.GetMethodBody()!.ExceptionHandlingClauses);
            foreach (IlInstruction instruction in IlReader.Read(method))
            {
                Assert.False(s_forbidden.Contains(instruction.OpCode), $"{Name(method)} uses {instruction.OpCode.Name}, which can enter the runtime");
                if (instruction.OpCode == OpCodes.Calli)
                {
                    byte callingConvention = method.Module.ResolveSignature(instruction.Token)[0];
                    Assert.True((callingConvention & 0x0f) == 0x09, $"{Name(method)} makes a calli that is not an unmanaged call"); // IMAGE_CEE_CS_CALLCONV_UNMANAGED
                }
            }
        }
    }

    [Fact]
    public void UnmanagedSignatures_AreAllBoundBeforeTheFork()
    {
        MethodInfo bind = typeof(ChildCode).GetMethod("BindCallStubs", AnyStatic)!;
        HashSet<string> bound = [.. CalliSignatures(bind)];

        List<string> used = [.. Reachable().SelectMany(CalliSignatures).Distinct()];

        Assert.True(used.Count >= 20, $"expected the child's libc calls, found {used.Count} signatures");
        Assert.All(used, signature => Assert.Contains(signature, bound));
    }

    [Fact]
    public void PreparedTypes_HaveNoStaticStateOrClassConstructor()
    {
        foreach (Type type in PreparedTypes())
        {
            Assert.Null(type.TypeInitializer);
            Assert.All(type.GetFields(AnyStatic), f => Assert.True(f.IsLiteral, $"{type.Name}.{f.Name} is a static field the child could touch"));
        }
    }

    [Fact]
    public void VforkedCommand_OnlySpawnCommandVforksAndItsChildNeverReturnsIntoThatFrame()
    {
        // vfork shares the parent's stack: the child may not return from the frame that called it, nor store anything in it
        // the parent reads later. SpawnCommand is the only caller; between vfork and RunCommand only its own locals move.
        FieldInfo vfork = typeof(ChildContext).GetField(nameof(ChildContext.VFork))!;
        MethodInfo spawn = typeof(ChildInit).GetMethod("SpawnCommand", AnyStatic)!;
        MethodInfo run = typeof(ChildInit).GetMethod("RunCommand", AnyStatic)!;
        MethodInfo reportAndExit = typeof(ChildProcess).GetMethod(nameof(ChildProcess.ReportAndExit), AnyStatic)!;
        FieldInfo exit = typeof(ChildContext).GetField(nameof(ChildContext.Exit))!;

        List<MethodBase> loadsVfork = [.. Reachable().Where(m => LoadedFields(m).Contains(vfork))];
        Assert.Equal([spawn], loadsVfork);

        IlInstruction[] il = [.. IlReader.Read(spawn)];
        int afterVfork = Array.FindLastIndex(il, i => i.OpCode == OpCodes.Calli) + 1;
        int runCall = Array.FindIndex(il, i => i.OpCode == OpCodes.Call && spawn.Module.ResolveMethod(i.Token) == run);
        Assert.True(afterVfork > 0 && runCall > afterVfork, "SpawnCommand must call RunCommand after vfork");
        string[] localOnly = ["stloc", "ldloc", "ldarg", "ldc.i4", "ceq", "nop"];
        Assert.All(il[afterVfork..runCall], i => Assert.True(
            localOnly.Any(p => i.OpCode.Name!.StartsWith(p, StringComparison.Ordinal)) || i.OpCode.FlowControl is FlowControl.Cond_Branch or FlowControl.Branch,
            $"SpawnCommand does {i.OpCode.Name} between vfork and RunCommand"));

        // Both ways out end in _exit: RunCommand ends in ReportAndExit, which ends in the Exit call (the other ret is the
        // warm-up's null guard).
        AssertEndsIn(run, i => i.OpCode == OpCodes.Call && run.Module.ResolveMethod(i.Token) == reportAndExit);
        AssertEndsIn(reportAndExit, i => i.OpCode == OpCodes.Calli);
        Assert.Contains(exit, LoadedFields(reportAndExit));
    }

    private static void AssertEndsIn(MethodBase method, Func<IlInstruction, bool> lastCall)
    {
        IlInstruction[] il = [.. IlReader.Read(method).Where(i => i.OpCode != OpCodes.Nop)];
        Assert.InRange(il.Count(i => i.OpCode == OpCodes.Ret), 1, 2); // a Debug build merges them into one
        Assert.Equal(OpCodes.Ret, il[^1].OpCode);
        Assert.True(lastCall(il[^2]), $"{Name(method)} must end in its exit call, found {il[^2].OpCode.Name}");
    }

    private static HashSet<FieldInfo> LoadedFields(MethodBase method) =>
        [.. IlReader.Read(method).Where(i => i.OpCode == OpCodes.Ldfld || i.OpCode == OpCodes.Ldflda).Select(i => method.Module.ResolveField(i.Token)!)];

    /// <summary>The types whose <c>typeof</c> ChildCode.Prepare passes to PrepareType.</summary>
    private static HashSet<Type> PreparedTypes()
    {
        MethodInfo prepare = typeof(ChildCode).GetMethod(nameof(ChildCode.Prepare), AnyStatic)!;
        HashSet<Type> types = [.. IlReader.Read(prepare).Where(i => i.OpCode == OpCodes.Ldtoken).Select(i => prepare.Module.ResolveType(i.Token))];
        Assert.Contains(typeof(ChildProcess), types);
        return types;
    }

    /// <summary>Every method reachable by <c>call</c> from ChildProcess.Fork, the forked child's first managed frame.</summary>
    private static List<MethodBase> Reachable()
    {
        MethodBase root = typeof(ChildProcess).GetMethod(nameof(ChildProcess.Fork), AnyStatic)!;
        List<MethodBase> reached = [root];
        for (int next = 0; next < reached.Count; next++)
        {
            MethodBase method = reached[next];
            foreach (IlInstruction call in IlReader.Read(method).Where(i => i.OpCode == OpCodes.Call))
            {
                MethodBase callee = method.Module.ResolveMethod(call.Token)!;
                if (!reached.Contains(callee))
                {
                    reached.Add(callee);
                }
            }
        }

        return reached;
    }

    private static IEnumerable<string> CalliSignatures(MethodBase method) =>
        IlReader.Read(method).Where(i => i.OpCode == OpCodes.Calli).Select(i => Convert.ToHexString(method.Module.ResolveSignature(i.Token)));

    private static string Name(MethodBase method) => $"{method.DeclaringType?.Name}.{method.Name}";
}
