//! The one way a check is declared, in every suite and in the verification core.
//!
//! - [`check!`](crate::check): one check, `pub const NAME: CheckDef`.
//! - [`paired_checks!`](crate::paired_checks): the checks of an OB 3.0 / CLR 2.0 role, declared
//!   once and given twice, as `ob3.<role>.<name>` and `clr2.<role>.<name>` with each standard's
//!   clause: modules `ob3` and `clr2` (a const per check and `ALL`, in declared order) and the
//!   same as a struct, `Defs`, with `OB3` / `CLR2` (for code that runs either standard).
//!
//! `wellspring checks` lists every declared check; `grep -rn '"<id>"'` or the id's last part
//! finds its row.

/// Declares one check: `check!(NAME, "id", clause, "title");`.
#[macro_export]
macro_rules! check {
    ($name:ident, $id:literal, $clause:expr, $title:literal) => {
        pub const $name: $crate::CheckDef = $crate::CheckDef {
            id: $id,
            clause: $clause,
            title: $title,
        };
    };
}

/// Declares the checks of one OB 3.0 / CLR 2.0 role:
/// `paired_checks! { role "issuer"; NAME: "suffix", OB_CLAUSE, CLR_CLAUSE, "title"; … }`.
#[macro_export]
macro_rules! paired_checks {
    (role $role:literal; $($name:ident: $suffix:literal, $ob:expr, $clr:expr, $title:literal;)*) => {
        /// The OB 3.0 checks of this role.
        pub mod ob3 {
            #[allow(unused_imports)]
            use super::*;
            $(pub const $name: $crate::CheckDef = $crate::CheckDef {
                id: concat!("ob3.", $role, ".", $suffix),
                clause: $ob,
                title: $title,
            };)*
            /// Every check, in declared (report) order.
            pub const ALL: &[$crate::CheckDef] = &[$($name),*];
        }
        /// The CLR 2.0 checks of this role.
        pub mod clr2 {
            #[allow(unused_imports)]
            use super::*;
            $(pub const $name: $crate::CheckDef = $crate::CheckDef {
                id: concat!("clr2.", $role, ".", $suffix),
                clause: $clr,
                title: $title,
            };)*
            /// Every check, in declared (report) order.
            pub const ALL: &[$crate::CheckDef] = &[$($name),*];
        }
        /// The checks of one standard, by name.
        #[allow(non_snake_case)]
        #[derive(Debug, Clone, Copy)]
        pub struct Defs {
            $(pub $name: $crate::CheckDef,)*
        }
        /// The OB 3.0 checks, by name.
        pub const OB3: Defs = Defs { $($name: ob3::$name,)* };
        /// The CLR 2.0 checks, by name.
        pub const CLR2: Defs = Defs { $($name: clr2::$name,)* };
        impl Defs {
            /// Every check, in declared (report) order.
            pub fn all(&self) -> Vec<$crate::CheckDef> {
                vec![$(self.$name,)*]
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[allow(dead_code)]
    mod role {
        const A: &str = "https://example.org/a";
        const B: &str = "https://example.org/b";
        paired_checks! {
            role "thing";
            ONE: "one", A, B, "first";
            TWO: "two", A, B, "second";
        }
    }
    check!(SOLO, "x.solo", "https://example.org/c", "alone");

    #[test]
    fn declared_once_given_twice() {
        assert_eq!(role::ob3::ONE.id, "ob3.thing.one");
        assert_eq!(role::clr2::TWO.id, "clr2.thing.two");
        assert_eq!(role::clr2::TWO.clause, "https://example.org/b");
        let ids: Vec<_> = role::CLR2.all().iter().map(|c| c.id).collect();
        assert_eq!(ids, ["clr2.thing.one", "clr2.thing.two"]);
        assert_eq!(role::ob3::ALL.len(), 2);
        assert_eq!(SOLO.id, "x.solo");
    }
}
