using Coord.Demo;

namespace Coord.Tests;

public sealed class NoticeLinkTests
{
    [Fact]
    public void The_token_is_taken_from_the_acknowledgement_link_in_a_notice()
    {
        const string text = "Acknowledge this notice, and tell us whether you are affected, here:\nhttp://127.0.0.1:35103/notices/t3spCyKphEuvJ8StUdolgyF6tW3Fd-_x9\n\n-- \n";
        Assert.Equal("t3spCyKphEuvJ8StUdolgyF6tW3Fd-_x9", NoticeLinks.Token(text));
    }

    [Fact]
    public void A_notice_without_a_link_has_no_token() => Assert.Null(NoticeLinks.Token("see https://example.org/advisories/x"));

    [Fact]
    public void A_decrypted_quoted_printable_part_gives_its_text()
    {
        const string mime = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nWhat: Path traversal =E2=80=94 demo\r\n";
        Assert.Equal("What: Path traversal — demo", LandedMail.TextOf(mime).TrimEnd());
    }
}
