package org.switchboard.console;

import java.util.Optional;

/** What the shared layout needs besides a page's own content: its title, the menu entry to mark, who is signed in. */
public record Frame(String title, String nav, Optional<SignedIn> who, Assets assets) {
    public String asset(String name) {
        return assets.url(name);
    }

    public String csrf() {
        return who.map(SignedIn::csrfToken).orElse("");
    }

    /** Whether the person may change things (viewers see the forms disabled; the server refuses their posts). */
    public boolean canChange() {
        return who.map(w -> w.role().canChange()).orElse(false);
    }

    public boolean isAdmin() {
        return who.map(w -> w.role().managesUsers()).orElse(false);
    }
}
