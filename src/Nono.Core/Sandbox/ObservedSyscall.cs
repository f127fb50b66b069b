namespace Nono.Core.Sandbox;

/// <summary>How the filesystem observer reads one path syscall's arguments.</summary>
/// <param name="Name">The syscall's name, for the record.</param>
/// <param name="Kind">What the call does to its path.</param>
/// <param name="PathArg">The argument that holds the path pointer.</param>
/// <param name="DirFdArg">The argument that holds the directory fd the path is relative to, or -1 (the working directory).</param>
/// <param name="FlagsArg">The argument that holds open flags (or, for openat2, the struct open_how pointer), or -1.</param>
internal sealed record ObservedSyscall(string Name, ObservedKind Kind, int PathArg, int DirFdArg, int FlagsArg);
