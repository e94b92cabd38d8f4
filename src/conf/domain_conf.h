/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdarg.h>

#include <glib.h>
#include <libxml/tree.h>

#include "virconferror.h"

/*
 * The domain model: a libvirt domain definition parsed (safely) into an
 * xmlDoc that stays alive with the model, plus every value its consumers
 * read (validation, repair, the QEMU command line), typed and checked once
 * at parse time the way libvirt checks them when a domain is defined: a
 * value libvirt refuses fails the parse with "FILE:LINE: message", so
 * every command refuses the same definitions.  The model knows libvirt's
 * XML and libvirt's defaults for s390x, not QEMU.
 *
 * Every string below is owned by the virDomainDef; NULL means the
 * element or attribute is absent.  Every xmlNodePtr points into @doc.
 */

/* The metadata marker that asks for PV in iommu mode (SPEC section 4). */
#define VIR_DOMAIN_PV_NAMESPACE "urn:virt-pv:1"
#define VIR_DOMAIN_PV_MARKER "protected"

/* Domain XML larger than this is refused. */
#define VIR_DOMAIN_XML_MAX (16 * 1024 * 1024)

typedef enum {
    VIR_TRISTATE_SWITCH_ABSENT = 0,
    VIR_TRISTATE_SWITCH_ON,
    VIR_TRISTATE_SWITCH_OFF,

    VIR_TRISTATE_SWITCH_LAST
} virTristateSwitch;

const char *virTristateSwitchToString(virTristateSwitch value);

/* What QEMU does on an I/O error of a disk (<driver error_policy>,
 * <driver rerror_policy>), libvirt's names. */
typedef enum {
    VIR_DOMAIN_DISK_ERROR_POLICY_DEFAULT = 0,
    VIR_DOMAIN_DISK_ERROR_POLICY_STOP,
    VIR_DOMAIN_DISK_ERROR_POLICY_REPORT,
    VIR_DOMAIN_DISK_ERROR_POLICY_IGNORE,
    VIR_DOMAIN_DISK_ERROR_POLICY_ENOSPACE,

    VIR_DOMAIN_DISK_ERROR_POLICY_LAST
} virDomainDiskErrorPolicy;

const char *virDomainDiskErrorPolicyToString(virDomainDiskErrorPolicy value);

/* <disk><driver cache>, libvirt's names (virDomainDiskCache). */
typedef enum {
    VIR_DOMAIN_DISK_CACHE_DEFAULT = 0,
    VIR_DOMAIN_DISK_CACHE_NONE,
    VIR_DOMAIN_DISK_CACHE_WRITETHROUGH,
    VIR_DOMAIN_DISK_CACHE_WRITEBACK,
    VIR_DOMAIN_DISK_CACHE_DIRECTSYNC,
    VIR_DOMAIN_DISK_CACHE_UNSAFE,

    VIR_DOMAIN_DISK_CACHE_LAST
} virDomainDiskCache;

/* <disk><driver io>, libvirt's names (virDomainDiskIo). */
typedef enum {
    VIR_DOMAIN_DISK_IO_DEFAULT = 0,
    VIR_DOMAIN_DISK_IO_NATIVE,
    VIR_DOMAIN_DISK_IO_THREADS,
    VIR_DOMAIN_DISK_IO_URING,

    VIR_DOMAIN_DISK_IO_LAST
} virDomainDiskIo;

const char *virDomainDiskIoToString(virDomainDiskIo value);

/* <interface><driver name>: who runs the virtio queues (libvirt's
 * virDomainNetBackendType). */
typedef enum {
    VIR_DOMAIN_NET_BACKEND_DEFAULT = 0,
    VIR_DOMAIN_NET_BACKEND_QEMU,
    VIR_DOMAIN_NET_BACKEND_VHOST,

    VIR_DOMAIN_NET_BACKEND_LAST
} virDomainNetBackend;

/* <source mode> of a character device (libvirt's
 * virDomainChrSourceModeType). */
typedef enum {
    VIR_DOMAIN_CHR_SOURCE_MODE_DEFAULT = 0,
    VIR_DOMAIN_CHR_SOURCE_MODE_CONNECT,
    VIR_DOMAIN_CHR_SOURCE_MODE_BIND,

    VIR_DOMAIN_CHR_SOURCE_MODE_LAST
} virDomainChrSourceMode;

/* The element names below <devices>.  The string of a kind is its
 * element name. */
typedef enum {
    VIR_DOMAIN_DEVICE_DISK,
    VIR_DOMAIN_DEVICE_CONTROLLER,
    VIR_DOMAIN_DEVICE_LEASE,
    VIR_DOMAIN_DEVICE_FILESYSTEM,
    VIR_DOMAIN_DEVICE_INTERFACE,
    VIR_DOMAIN_DEVICE_INPUT,
    VIR_DOMAIN_DEVICE_SOUND,
    VIR_DOMAIN_DEVICE_AUDIO,
    VIR_DOMAIN_DEVICE_VIDEO,
    VIR_DOMAIN_DEVICE_HOSTDEV,
    VIR_DOMAIN_DEVICE_REDIRDEV,
    VIR_DOMAIN_DEVICE_REDIRFILTER,
    VIR_DOMAIN_DEVICE_SMARTCARD,
    VIR_DOMAIN_DEVICE_SERIAL,
    VIR_DOMAIN_DEVICE_PARALLEL,
    VIR_DOMAIN_DEVICE_CONSOLE,
    VIR_DOMAIN_DEVICE_CHANNEL,
    VIR_DOMAIN_DEVICE_GRAPHICS,
    VIR_DOMAIN_DEVICE_HUB,
    VIR_DOMAIN_DEVICE_WATCHDOG,
    VIR_DOMAIN_DEVICE_MEMBALLOON,
    VIR_DOMAIN_DEVICE_RNG,
    VIR_DOMAIN_DEVICE_TPM,
    VIR_DOMAIN_DEVICE_NVRAM,
    VIR_DOMAIN_DEVICE_PANIC,
    VIR_DOMAIN_DEVICE_SHMEM,
    VIR_DOMAIN_DEVICE_MEMORY,
    VIR_DOMAIN_DEVICE_IOMMU,
    VIR_DOMAIN_DEVICE_VSOCK,
    VIR_DOMAIN_DEVICE_CRYPTO,
    VIR_DOMAIN_DEVICE_PSTORE,
    VIR_DOMAIN_DEVICE_OTHER, /* an element this model does not know */

    VIR_DOMAIN_DEVICE_LAST
} virDomainDeviceKind;

const char *virDomainDeviceKindToString(virDomainDeviceKind kind);

/* One device of the definition, or one that libvirt adds by itself on
 * s390x (@implicit). */
typedef struct {
    virDomainDeviceKind kind;
    char *element;         /* the element name (useful for OTHER) */
    char *type;            /* @type */
    char *bus;             /* @bus, else target/@bus */
    char *target_type;     /* target/@type (console, serial, channel) */
    char *target_dev;      /* target/@dev (disk) */
    char *model;           /* @model, else model/@type */
    char *disk_device;     /* <disk device>: disk (libvirt's default),
                            * cdrom, floppy, lun; NULL for other kinds */
    gboolean virtio;       /* libvirt makes it a virtio-*-ccw device on s390x */
    gboolean takes_iommu;  /* libvirt reads <driver iommu> for it */
    virTristateSwitch iommu; /* driver/@iommu */
    char *action;          /* @action (watchdog) */
    guint boot_order;      /* <boot order='N'/>; 0: none */
    guint boot_index;      /* the bootindex libvirt gives it: its boot
                            * order, else from <os><boot dev>; 0: none */
    char *address_type;    /* <address type>; NULL: none */
    xmlNodePtr address_node;
    char *source_uuid;     /* source/address/@uuid (a mediated device) */
    char *loadparm;        /* boot/@loadparm, in upper case as libvirt keeps it */
    virDomainDiskErrorPolicy error_policy;  /* driver/@error_policy */
    virDomainDiskErrorPolicy rerror_policy; /* driver/@rerror_policy (not enospace) */
    guint iothread;        /* driver/@iothread; 0: none */

    /* <address type='ccw'>: all of cssid, ssid and devno (ccw_set), or
     * none of them (libvirt picks one). */
    gboolean ccw_set;
    guint ccw_cssid;
    guint ccw_ssid;
    guint ccw_devno;
    /* <address type='pci'><zpci uid fid>: the zPCI ids of an s390x PCI
     * device, each with whether it is given. */
    gboolean zpci_uid_set;
    guint zpci_uid;
    gboolean zpci_fid_set;
    guint zpci_fid;
    /* <address type='drive'>: 0 where absent. */
    guint drive_controller;
    guint drive_bus;
    guint drive_target;
    guint drive_unit;

    /* Disks. */
    gint target_index;     /* target_dev as libvirt numbers it (vda: 0,
                            * vdaa: 26); -1 for other kinds */
    char *source_path;     /* disk: source/@file (type file) or @dev
                            * (block); serial, console, channel:
                            * source/@path; rng: the backend's text */
    char *driver_type;     /* driver/@type: the image format */
    virDomainDiskCache cache; /* driver/@cache */
    virDomainDiskIo io;    /* driver/@io */
    gboolean readonly;     /* <readonly/> */

    /* Interfaces. */
    char *mac;             /* mac/@address, in libvirt's lower case */
    virDomainNetBackend backend; /* driver/@name */

    /* Controllers: @index, else the lowest one no other controller of the
     * type has (libvirt: virDomainControllerFindUnusedIndex). */
    guint index;

    /* Serials, consoles and channels. */
    virDomainChrSourceMode source_mode; /* source/@mode */
    char *target_model;    /* serial: target/model/@name */
    char *target_name;     /* channel: target/@name */

    /* Memory balloon. */
    virTristateSwitch autodeflate;         /* @autodeflate */
    virTristateSwitch free_page_reporting; /* @freePageReporting */

    /* Random number generator. */
    char *backend_model;   /* backend/@model */
    guint rate_bytes;      /* rate/@bytes; 0: no limit */
    guint rate_period;     /* rate/@period; 0: none */

    /* vsock. */
    guint cid;             /* cid/@address; 0: none */
    virTristateSwitch cid_auto; /* cid/@auto (yes: on) */

    char *xpath;           /* /domain/devices/disk[1]; for an implicit
                            * device, the element that causes it */
    xmlNodePtr node;       /* the element; for an implicit device, the
                            * element that causes it */
    gboolean implicit;
} virDomainDevice;

typedef struct {
    char *name;
    char *policy;          /* NULL: libvirt's default, require */
    char *xpath;
    xmlNodePtr node;
} virDomainCPUFeature;

typedef struct {
    char *type;            /* @type */
    guint nchildren;       /* element children */
    char *xpath;
    xmlNodePtr node;
} virDomainLaunchSecurity;

typedef struct {
    xmlDocPtr doc;
    xmlNodePtr root;           /* <domain> */
    char *path;                /* the name used in messages */

    char *xml;                 /* the original text, as read */
    gsize xml_len;

    char *name;                /* <name> */
    char *uuid;                /* <uuid> as written; NULL when absent */
    char *virt_type;           /* <domain type> */

    xmlNodePtr os_type_node;   /* <os><type> */
    char *os_type;             /* its text (hvm) */
    char *os_arch;             /* @arch */
    char *os_machine;          /* @machine */
    guint os_machine_major;    /* X.Y of an upstream s390-ccw-virtio-X.Y;
                                * 0.0 for any other name */
    guint os_machine_minor;
    xmlNodePtr os_kernel_node; /* <os><kernel> */
    char *os_kernel;
    xmlNodePtr os_initrd_node; /* <os><initrd> */
    char *os_initrd;
    xmlNodePtr os_cmdline_node; /* <os><cmdline> */
    char *os_cmdline;
    char **os_boot_devs;       /* <os><boot dev>, in order; NULL: none */

    xmlNodePtr memory_node;    /* <memory> */
    guint64 memory_mib;        /* its size in MiB, rounded up as libvirt
                                * rounds it; 0 when absent */

    xmlNodePtr async_teardown_node; /* <features><async-teardown> */
    virTristateSwitch async_teardown; /* its @enabled (yes: on, no: off;
                                       * an element without it: on) */

    xmlNodePtr cpu_node;       /* <cpu> */
    char *cpu_mode;            /* @mode as written */
    char *cpu_model;           /* <cpu><model> text */
    GPtrArray *cpu_features;   /* of virDomainCPUFeature */

    xmlNodePtr vcpu_node;      /* <vcpu>, else <vcpus> */
    guint vcpu_max;            /* <vcpu> text, else the number of
                                * <vcpus><vcpu>; 0 when neither is there */

    guint vcpu_current;        /* <vcpu current>, else vcpu_max; 1..vcpu_max */

    xmlNodePtr topology_node;  /* <cpu><topology> */
    guint topology_sockets;    /* its attributes; dies and clusters are 0 */
    guint topology_dies;       /* when absent (libvirt then takes 1) */
    guint topology_clusters;
    guint topology_cores;
    guint topology_threads;

    xmlNodePtr hugepages_node; /* <memoryBacking><hugepages> */
    gboolean memory_locked;    /* <memoryBacking><locked/> */

    guint iothreads;           /* <iothreads> */
    GArray *iothread_ids;      /* of guint: <iothreadids><iothread id>, filled
                                * up to <iothreads> with the lowest free ids */
    virTristateSwitch keywrap_aes; /* <keywrap><cipher name='aes' state> */
    virTristateSwitch keywrap_dea; /* <keywrap><cipher name='dea' state> */
    virTristateSwitch cpu_deprecated_features; /* <cpu deprecated_features> */
    xmlNodePtr on_crash_node;  /* <on_crash> */
    char *on_crash;            /* its text (destroy, coredump-restart, ...) */

    GPtrArray *launch_security; /* of virDomainLaunchSecurity */
    xmlNodePtr pv_marker;      /* <metadata><pv:protected xmlns:pv=...> */

    xmlNodePtr emulator_node;  /* <devices><emulator> */
    char *emulator;

    xmlNodePtr devices_node;   /* <devices> */
    GPtrArray *devices;        /* of virDomainDevice; document order, the
                                * implicit ones last */

    GHashTable *xpath_steps;   /* private to the parser: NULL afterwards */
} virDomainDef;

/* Set up the XML parser once, in the main thread, before definitions
 * are parsed in several threads at once (virXMLParserInit). */
void virDomainDefParserInit(void);

/* Parse @path (at most VIR_DOMAIN_XML_MAX bytes) safely (virXMLParseSafe)
 * and check every value the model keeps: a value libvirt would refuse
 * when the domain is defined fails with "PATH:LINE: message".  No flags
 * are defined yet: @flags must be 0.  The document is for reading only. */
gboolean virDomainDefParseFile(const char *path, unsigned int flags, virDomainDef **ret_def,
                               GError **error);

/* The same for @xml (@len bytes, need not be NUL-terminated); @name
 * names it in messages ("-" for standard input). */
gboolean virDomainDefParseString(const char *xml, gsize len, const char *name,
                                 unsigned int flags, virDomainDef **ret_def, GError **error);

void virDomainDefFree(virDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDef, virDomainDefFree)

/* The position of element @node in document order (preorder, from 0),
 * for sorting things found out of order. */
gsize virDomainDefNodeOrder(const virDomainDef *def, xmlNodePtr node);

/* Convenience queries. */
gboolean virDomainDefHasPVMarker(const virDomainDef *def);
gboolean virDomainDefHasLaunchSecurityType(const virDomainDef *def, const char *type);
char *virDomainDefNodeMessageV(const virDomainDef *def, xmlNodePtr node, const char *fmt,
                               va_list ap) G_GNUC_PRINTF(3, 0);

/* The ccw address of @dev (ccw_set) as one number, cssid << 24 |
 * ssid << 16 | devno, and such a number as QEMU's devno property takes
 * it ("fe.0.0001"). */
guint32 virDomainCCWAddressKey(const virDomainDevice *dev);
char *virDomainCCWAddressFormat(guint32 key);

gboolean virDomainDiskIsOnBus(const virDomainDevice *dev, const char *bus);

/* Whether the guest boots a kernel directly: an <os><kernel> with a path,
 * which libvirt hands QEMU as -kernel. */
gboolean virDomainDefHasKernel(const virDomainDef *def);

const virDomainDevice *virDomainDefFindDevice(const virDomainDef *def, virDomainDeviceKind kind,
                                              gboolean include_implicit);

/* An element or attribute of the definition that a consumer does not
 * cover (see virDomainDefFindUncovered). */
typedef struct {
    xmlNodePtr node; /* the element, or the element of the attribute */
    char *attr;      /* the attribute's name; NULL for the element */
    char *xpath;     /* of the element */
} virDomainUncovered;

void virDomainUncoveredFree(virDomainUncovered *u);

/*
 * Every element and attribute of @def that @covered does not name, in
 * document order, an element's own attributes and children left out once
 * the element is reported.  @covered lists paths below <domain> ("" for
 * <domain> itself, "devices/disk/driver"), each optionally followed by
 * "=TEXT" (covered only with that text), "/..." (its whole subtree) or
 * "@a,b=VALUE" (these attributes; b only with that value).  A path may
 * appear more than once.  Elements in @skip (a set of xmlNodePtr, may be
 * NULL) and their subtrees are passed over: the caller has spoken of
 * them.  Elements in a namespace are reported like any other.
 */
GPtrArray *virDomainDefFindUncovered(const virDomainDef *def, const char *const *covered,
                                     GHashTable *skip);

/* The disks of @def (borrowed from def->devices) in the order libvirt
 * keeps them: by target name within a bus (virDomainDiskInsert). */
GPtrArray *virDomainDefDisksInOrder(const virDomainDef *def);
