//! The internal structs' fields in Go declaration order (pkg/apis/core/types.go, 1.35), each with
//! its v1 json name and how Go's encoder writes it.

/// How one field of an internal struct is written.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    /// A Go string: `""` when unset.
    Str,
    /// A Go integer: `0` when unset.
    Int,
    /// A Go bool: `false` when unset.
    Bool,
    /// A pointer to a scalar, or a type written from its v1 form: `null` when unset.
    Any,
    /// A map (sorted keys, as Go writes them): `null` when unset.
    Dict,
    /// A slice of structs: `null` when unset.
    List(&'static [Field]),
    /// A pointer to a struct: `null` when unset.
    Ptr(&'static [Field]),
    /// A struct held by value: always an object.
    Val(&'static [Field]),
    /// An embedded struct: its fields are promoted into the enclosing object.
    Inline(&'static [Field]),
}

/// Go field name, v1 json name, how it is written.
pub(super) type Field = (&'static str, &'static str, Kind);

use Kind::*;

pub(super) const POD_SPEC: &[Field] = &[
    ("Volumes", "volumes", List(VOLUME)),
    ("InitContainers", "initContainers", List(CONTAINER)),
    ("Containers", "containers", List(CONTAINER)),
    ("EphemeralContainers", "ephemeralContainers", Any),
    ("RestartPolicy", "restartPolicy", Str),
    (
        "TerminationGracePeriodSeconds",
        "terminationGracePeriodSeconds",
        Any,
    ),
    ("ActiveDeadlineSeconds", "activeDeadlineSeconds", Any),
    ("DNSPolicy", "dnsPolicy", Str),
    ("NodeSelector", "nodeSelector", Dict),
    ("ServiceAccountName", "serviceAccountName", Str),
    (
        "AutomountServiceAccountToken",
        "automountServiceAccountToken",
        Any,
    ),
    ("NodeName", "nodeName", Str),
    ("SecurityContext", "securityContext", Ptr(POD_SECURITY)),
    ("ImagePullSecrets", "imagePullSecrets", List(LOCAL_REF)),
    ("Hostname", "hostname", Str),
    ("Subdomain", "subdomain", Str),
    ("SetHostnameAsFQDN", "setHostnameAsFQDN", Any),
    ("Affinity", "affinity", Any),
    ("SchedulerName", "schedulerName", Str),
    ("Tolerations", "tolerations", List(TOLERATION)),
    ("HostAliases", "hostAliases", Any),
    ("PriorityClassName", "priorityClassName", Str),
    ("Priority", "priority", Any),
    ("PreemptionPolicy", "preemptionPolicy", Any),
    ("DNSConfig", "dnsConfig", Any),
    ("ReadinessGates", "readinessGates", Any),
    ("RuntimeClassName", "runtimeClassName", Any),
    ("Overhead", "overhead", Dict),
    ("EnableServiceLinks", "enableServiceLinks", Any),
    (
        "TopologySpreadConstraints",
        "topologySpreadConstraints",
        Any,
    ),
    ("OS", "os", Any),
    ("SchedulingGates", "schedulingGates", Any),
    ("ResourceClaims", "resourceClaims", Any),
    ("Resources", "resources", Ptr(RESOURCES)),
    ("HostnameOverride", "hostnameOverride", Any),
    ("WorkloadRef", "workloadRef", Any),
];

const CONTAINER: &[Field] = &[
    ("Name", "name", Str),
    ("Image", "image", Str),
    ("Command", "command", Any),
    ("Args", "args", Any),
    ("WorkingDir", "workingDir", Str),
    ("Ports", "ports", List(PORT)),
    ("EnvFrom", "envFrom", Any),
    ("Env", "env", List(ENV)),
    ("Resources", "resources", Val(RESOURCES)),
    ("ResizePolicy", "resizePolicy", List(RESIZE_POLICY)),
    ("RestartPolicy", "restartPolicy", Any),
    ("RestartPolicyRules", "restartPolicyRules", Any),
    ("VolumeMounts", "volumeMounts", List(VOLUME_MOUNT)),
    ("VolumeDevices", "volumeDevices", Any),
    ("LivenessProbe", "livenessProbe", Ptr(PROBE)),
    ("ReadinessProbe", "readinessProbe", Ptr(PROBE)),
    ("StartupProbe", "startupProbe", Ptr(PROBE)),
    ("Lifecycle", "lifecycle", Any),
    ("TerminationMessagePath", "terminationMessagePath", Str),
    ("TerminationMessagePolicy", "terminationMessagePolicy", Str),
    ("ImagePullPolicy", "imagePullPolicy", Str),
    ("SecurityContext", "securityContext", Any),
    ("Stdin", "stdin", Bool),
    ("StdinOnce", "stdinOnce", Bool),
    ("TTY", "tty", Bool),
];

const RESOURCES: &[Field] = &[
    ("Limits", "limits", Dict),
    ("Requests", "requests", Dict),
    ("Claims", "claims", Any),
];

const RESIZE_POLICY: &[Field] = &[
    ("ResourceName", "resourceName", Str),
    ("RestartPolicy", "restartPolicy", Str),
];

const PORT: &[Field] = &[
    ("Name", "name", Str),
    ("HostPort", "hostPort", Int),
    ("ContainerPort", "containerPort", Int),
    ("Protocol", "protocol", Str),
    ("HostIP", "hostIP", Str),
];

const ENV: &[Field] = &[
    ("Name", "name", Str),
    ("Value", "value", Str),
    ("ValueFrom", "valueFrom", Any),
];

const VOLUME_MOUNT: &[Field] = &[
    ("Name", "name", Str),
    ("ReadOnly", "readOnly", Bool),
    ("RecursiveReadOnly", "recursiveReadOnly", Any),
    ("MountPath", "mountPath", Str),
    ("SubPath", "subPath", Str),
    ("MountPropagation", "mountPropagation", Any),
    ("SubPathExpr", "subPathExpr", Str),
];

const PROBE: &[Field] = &[
    ("", "", Inline(PROBE_HANDLER)),
    ("InitialDelaySeconds", "initialDelaySeconds", Int),
    ("TimeoutSeconds", "timeoutSeconds", Int),
    ("PeriodSeconds", "periodSeconds", Int),
    ("SuccessThreshold", "successThreshold", Int),
    ("FailureThreshold", "failureThreshold", Int),
    (
        "TerminationGracePeriodSeconds",
        "terminationGracePeriodSeconds",
        Any,
    ),
];

const PROBE_HANDLER: &[Field] = &[
    ("Exec", "exec", Any),
    ("HTTPGet", "httpGet", Any),
    ("TCPSocket", "tcpSocket", Any),
    ("GRPC", "grpc", Any),
];

const TOLERATION: &[Field] = &[
    ("Key", "key", Str),
    ("Operator", "operator", Str),
    ("Value", "value", Str),
    ("Effect", "effect", Str),
    ("TolerationSeconds", "tolerationSeconds", Any),
];

const LOCAL_REF: &[Field] = &[("Name", "name", Str)];

/// Internal PodSecurityContext; the host namespace fields come from the v1 PodSpec.
const POD_SECURITY: &[Field] = &[
    ("HostNetwork", "hostNetwork", Bool),
    ("HostPID", "hostPID", Bool),
    ("HostIPC", "hostIPC", Bool),
    ("ShareProcessNamespace", "shareProcessNamespace", Any),
    ("HostUsers", "hostUsers", Any),
    ("SELinuxOptions", "seLinuxOptions", Any),
    ("WindowsOptions", "windowsOptions", Any),
    ("RunAsUser", "runAsUser", Any),
    ("RunAsGroup", "runAsGroup", Any),
    ("RunAsNonRoot", "runAsNonRoot", Any),
    ("SupplementalGroups", "supplementalGroups", Any),
    ("SupplementalGroupsPolicy", "supplementalGroupsPolicy", Any),
    ("FSGroup", "fsGroup", Any),
    ("FSGroupChangePolicy", "fsGroupChangePolicy", Any),
    ("Sysctls", "sysctls", Any),
    ("SeccompProfile", "seccompProfile", Any),
    ("AppArmorProfile", "appArmorProfile", Any),
    ("SELinuxChangePolicy", "seLinuxChangePolicy", Any),
];

const VOLUME: &[Field] = &[("Name", "name", Str), ("", "", Inline(VOLUME_SOURCE))];

const VOLUME_SOURCE: &[Field] = &[
    ("HostPath", "hostPath", Any),
    ("EmptyDir", "emptyDir", Any),
    ("GCEPersistentDisk", "gcePersistentDisk", Any),
    ("AWSElasticBlockStore", "awsElasticBlockStore", Any),
    ("GitRepo", "gitRepo", Any),
    ("Secret", "secret", Any),
    ("NFS", "nfs", Any),
    ("ISCSI", "iscsi", Any),
    ("Glusterfs", "glusterfs", Any),
    ("PersistentVolumeClaim", "persistentVolumeClaim", Any),
    ("RBD", "rbd", Any),
    ("Quobyte", "quobyte", Any),
    ("FlexVolume", "flexVolume", Any),
    ("Cinder", "cinder", Any),
    ("CephFS", "cephfs", Any),
    ("Flocker", "flocker", Any),
    ("DownwardAPI", "downwardAPI", Any),
    ("FC", "fc", Any),
    ("AzureFile", "azureFile", Any),
    ("ConfigMap", "configMap", Any),
    ("VsphereVolume", "vsphereVolume", Any),
    ("AzureDisk", "azureDisk", Any),
    ("PhotonPersistentDisk", "photonPersistentDisk", Any),
    ("Projected", "projected", Any),
    ("PortworxVolume", "portworxVolume", Any),
    ("ScaleIO", "scaleIO", Any),
    ("StorageOS", "storageos", Any),
    ("CSI", "csi", Any),
    ("Ephemeral", "ephemeral", Any),
    ("Image", "image", Any),
];

/// The v1 fields the internal form keeps in the pod security context instead of the spec.
pub(super) const HOST_FIELDS: &[&str] = &[
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "hostUsers",
];
