using System.Runtime.InteropServices;

namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>Landlock uapi (include/uapi/linux/landlock.h): flags, rule types and attribute structs.</summary>
    internal static class Landlock
    {
        public const uint LANDLOCK_CREATE_RULESET_VERSION = 1u << 0;
        public const int LANDLOCK_RULE_PATH_BENEATH = 1;
        public const int LANDLOCK_RULE_NET_PORT = 2;

        /// <summary>struct landlock_ruleset_attr; the kernel accepts the prefix its ABI knows (8, 16 or 24 bytes).</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct landlock_ruleset_attr
        {
            public ulong handled_access_fs;
            public ulong handled_access_net;
            public ulong scoped;
        }

        /// <summary>struct landlock_path_beneath_attr, declared __attribute__((packed)): 12 bytes.</summary>
        [StructLayout(LayoutKind.Sequential, Pack = 1)]
        internal struct landlock_path_beneath_attr
        {
            public ulong allowed_access;
            public int parent_fd;
        }

        /// <summary>struct landlock_net_port_attr: 16 bytes.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct landlock_net_port_attr
        {
            public ulong allowed_access;
            public ulong port;
        }

        /// <summary>Size of landlock_ruleset_attr the given ABI understands.</summary>
        public static int RulesetAttrSize(int abi) => abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
    }
}
