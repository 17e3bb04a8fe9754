//! The AWS SAM template (deploy/template.yaml) passes cfn-lint, offline, and names what the code names.

use std::path::{Path, PathBuf};
use std::process::Command;

use tickscope_server::store::dynamodb::DynamoOptions;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_sam_template_passes_cfn_lint() {
    // scripts/setup.sh puts cfn-lint into .venv unless the right version is on PATH already.
    let local = root().join(".venv/bin/cfn-lint");
    let program = if local.exists() {
        local
    } else {
        PathBuf::from("cfn-lint")
    };
    let output = Command::new(&program)
        .arg(root().join("deploy/template.yaml"))
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} ({e}): run ./scripts/setup.sh, which installs cfn-lint",
                program.display()
            )
        });
    assert!(
        output.status.success(),
        "cfn-lint found problems in deploy/template.yaml:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_template_uses_the_code_s_names() {
    let template = std::fs::read_to_string(root().join("deploy/template.yaml")).unwrap();
    let defaults = DynamoOptions::default();
    for expected in [
        format!("Default: {}", defaults.table),
        format!("Default: {}", defaults.index),
        "Binary: tickscope-lambda".to_owned(),
        "StageName: prod".to_owned(),
        "Runtime: provided.al2023".to_owned(),
    ] {
        assert!(
            template.contains(&expected),
            "deploy/template.yaml lacks `{expected}`"
        );
    }
    assert!(
        root()
            .join("crates/server/src/bin/tickscope-lambda.rs")
            .exists()
    );
}
