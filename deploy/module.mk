# deploy/module.mk: the deployment half of `make install`, and `make
# uninstall` (included by the top Makefile, whose own install recipe puts
# the binaries and the /etc configs).  PREFIX (default /usr/local) and
# DESTDIR as usual; together they install:
#
#	$(PREFIX)/sbin/		relay4to6 relay6to4 teredod bgpglue
#	$(PREFIX)/bin/		relayctl
#	$(PREFIX)/share/man/	man5/justforward.conf.5, man8/*.8
#	$(PREFIX)/lib/systemd/system/	<daemon>@.service (ExecStart= in sbin)
#	$(PREFIX)/lib/sysusers.d/justforward.conf	the _justforward user
#	$(PREFIX)/lib/tmpfiles.d/justforward.conf	/var/lib/justforward
#	$(PREFIX)/share/justforward/	justforward-routes (the units' route
#				setup), bgpglue-bgpd.sh (bgpglue's zebra-lost
#				hook), examples/ (every deploy/*.conf and
#				deploy/frr/*)
#	/etc/justforward/	each example config, only where none exists
#				(an edited config is never overwritten)
#
# uninstall removes exactly those files, except the ones under /etc.
# Nothing is started or enabled: `systemctl enable --now relay4to6@main`
# and friends are the operator's call (see the README's deployment guide).

SBINDIR     ?= $(PREFIX)/sbin
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
JFDATADIR   ?= $(PREFIX)/share/justforward
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
JFCONFDIR   ?= /etc/justforward
INSTALL     ?= install

JF_DAEMONS := $(filter-out relayctl,$(PROGS))
JF_CONFS   := $(wildcard deploy/*.conf)
JF_FRR     := $(wildcard deploy/frr/*)
JF_UNITS   := $(wildcard deploy/systemd/*.service)
JF_MAN5    := $(wildcard man/*.5)
JF_MAN8    := $(wildcard man/*.8)

.PHONY: install-deploy uninstall
# The top Makefile's install recipe puts the binaries and /etc configs;
# this adds units, man pages, the sysusers file and share/justforward.
install: install-deploy
install-deploy: all
	$(Q)$(INSTALL) -d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
	    $(DESTDIR)$(JFDATADIR)/examples/frr
	$(Q)for u in $(JF_UNITS); do \
	    sed -e 's|/usr/local/sbin/|$(SBINDIR)/|g' \
	        -e 's|/usr/local/share/justforward/|$(JFDATADIR)/|g' $$u \
	        >$(DESTDIR)$(UNITDIR)/$$(basename $$u) && \
	    chmod 0644 $(DESTDIR)$(UNITDIR)/$$(basename $$u) || exit 1; done
	$(Q)$(INSTALL) -m 0644 deploy/systemd/justforward-sysusers.conf \
	    $(DESTDIR)$(SYSUSERSDIR)/justforward.conf
	$(Q)$(INSTALL) -m 0644 deploy/systemd/justforward-tmpfiles.conf \
	    $(DESTDIR)$(TMPFILESDIR)/justforward.conf
	$(Q)$(if $(JF_MAN5),$(INSTALL) -m 0644 $(JF_MAN5) $(DESTDIR)$(MANDIR)/man5/)
	$(Q)$(if $(JF_MAN8),$(INSTALL) -m 0644 $(JF_MAN8) $(DESTDIR)$(MANDIR)/man8/)
	$(Q)$(INSTALL) -m 0644 $(JF_CONFS) $(DESTDIR)$(JFDATADIR)/examples/
	$(Q)$(INSTALL) -m 0644 $(JF_FRR) $(DESTDIR)$(JFDATADIR)/examples/frr/
	$(Q)$(INSTALL) -m 0755 deploy/frr/bgpglue-bgpd.sh \
	    deploy/systemd/justforward-routes $(DESTDIR)$(JFDATADIR)/
	@echo "  INSTALL units in $(DESTDIR)$(UNITDIR), man pages, $(DESTDIR)$(JFDATADIR)"

uninstall:
	$(Q)for p in $(JF_DAEMONS); do rm -f $(DESTDIR)$(SBINDIR)/$$p; done
	$(Q)rm -f $(DESTDIR)$(BINDIR)/relayctl
	$(Q)for u in $(JF_UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$$(basename $$u); done
	$(Q)rm -f $(DESTDIR)$(SYSUSERSDIR)/justforward.conf \
	    $(DESTDIR)$(TMPFILESDIR)/justforward.conf
	$(Q)for m in $(JF_MAN5); do rm -f $(DESTDIR)$(MANDIR)/man5/$$(basename $$m); done
	$(Q)for m in $(JF_MAN8); do rm -f $(DESTDIR)$(MANDIR)/man8/$$(basename $$m); done
	$(Q)rm -rf $(DESTDIR)$(JFDATADIR)
	@echo "  UNINSTALL $(DESTDIR)$(PREFIX) (configs in $(DESTDIR)$(JFCONFDIR) kept)"
