namespace Nono.Core.Sandbox.Interop;

internal static partial class Interop
{
    /// <summary>
    /// Receives the DNS trap's hand-over (<see cref="ChildNetnsDns"/>): a descriptor (one data byte and SCM_RIGHTS, made
    /// CLOEXEC), or, when the trap is unavailable, an 8-byte failure code without one. Returns the descriptor, -1 at end
    /// of stream (the child failed before sending), or -2 with <paramref name="failure"/> set.
    /// </summary>
    // SAFETY: data is on this frame, 8 bytes, alive for the calls. The caller keeps socket open.
    internal static unsafe int ReceiveDnsTrap(SafeFdHandle socket, out long failure)
    {
        failure = 0;
        long data = 0;
        nint n = ReceiveMessage(socket, &data, (nuint)ChildNetnsDns.UnavailableMessageBytes, out int fd);
        if (n == 0)
        {
            return -1;
        }

        if (fd >= 0)
        {
            return fd;
        }

        // No descriptor: the failure code, of which a stream socket may deliver the first bytes alone.
        int received = (int)n;
        while (received < ChildNetnsDns.UnavailableMessageBytes)
        {
            // SAFETY: [received, 8) lies inside data, on this frame for the call.
            nint more = Libc.recv(socket.Fd, (byte*)&data + received, (nuint)(ChildNetnsDns.UnavailableMessageBytes - received), 0);
            if (more < 0 && LastErrno == (int)Errno.EINTR)
            {
                continue;
            }

            if (CheckIo(more, "recv") == 0)
            {
                throw new Diagnostics.NonoException(Diagnostics.NonoErrorCode.SandboxSetupFailed, "the sandbox child sent neither the DNS socket nor why");
            }

            received += (int)more;
        }

        failure = data;
        return -2;
    }

    /// <summary>
    /// One recvmsg of up to <paramref name="length"/> bytes into <paramref name="data"/> with room for one SCM_RIGHTS
    /// descriptor (made CLOEXEC): the byte count (0 at end of stream), and the descriptor or -1 when none came.
    /// </summary>
    // SAFETY: the control buffer is on this frame and sized for one descriptor (CMSG_SPACE); the descriptor is read only
    // after the header was checked to be exactly one SCM_RIGHTS int and not truncated. The caller keeps data (length
    // bytes) alive and socket open for the call.
    private static unsafe nint ReceiveMessage(SafeFdHandle socket, void* data, nuint length, out int fd)
    {
        byte* control = stackalloc byte[CmsgSpaceOneFd];
        new Span<byte>(control, CmsgSpaceOneFd).Clear();
        iovec_t iov = new() { iov_base = data, iov_len = length };
        msghdr_t msg = new() { msg_iov = &iov, msg_iovlen = 1, msg_control = control, msg_controllen = CmsgSpaceOneFd };
        nint n;
        do
        {
            // SAFETY: msg, iov and control live on this frame for the call, data with the caller; controllen is its size.
            n = Libc.recvmsg(socket.Fd, &msg, MSG_CMSG_CLOEXEC);
        }
        while (n < 0 && LastErrno == (int)Errno.EINTR);

        CheckIo(n, "recvmsg");
        cmsghdr_t* header = (cmsghdr_t*)control;
        bool oneDescriptor = n > 0 && msg.msg_controllen >= CmsgLenOneFd && header->cmsg_level == SOL_SOCKET
            && header->cmsg_type == SCM_RIGHTS && header->cmsg_len == CmsgLenOneFd;
        if ((msg.msg_flags & 0x8 /* MSG_CTRUNC */) != 0)
        {
            // A descriptor was sent but not delivered whole (at RLIMIT_NOFILE, or refused by an LSM): fail now instead of
            // reading the message as one that carried none (the DNS trap's failure code would then wait for bytes never sent).
            if (oneDescriptor)
            {
                new SafeFdHandle(*(int*)(control + CmsgDataOffset)).Dispose();
            }

            throw new Diagnostics.NonoException(Diagnostics.NonoErrorCode.SandboxSetupFailed, "a descriptor sent by the sandbox child was dropped (control data truncated)");
        }

        fd = oneDescriptor ? *(int*)(control + CmsgDataOffset) : -1;
        return n;
    }
}
